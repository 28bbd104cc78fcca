package io.perstack.llm.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The way through an HTTP proxy: its address resolved per connection, and the {@code CONNECT} tunnel for https. */
final class ProxyTunnel {
    private ProxyTunnel() {}

    /**
     * The proxy address is kept unresolved so that each new connection looks its name up again, but
     * {@link Socket#connect} refuses an unresolved address outright ({@code UnknownHostException}), which made every
     * proxied request fail: resolve it here, per connection.
     */
    static InetSocketAddress resolved(InetSocketAddress address) {
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }

    /** Asks the proxy on {@code raw} for a tunnel to the route's origin; returns once the proxy has agreed. */
    static void open(Socket raw, Connection.Route route) throws IOException {
        String authority = route.host() + ":" + route.port();
        OutputStream o = raw.getOutputStream();
        o.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        o.flush();
        // Read byte by byte: whatever follows the proxy's answer belongs to the TLS handshake.
        InputStream i = raw.getInputStream();
        int status = Http1HeadParser.statusOf(Http1HeadParser.readLine(i));
        while (!Http1HeadParser.readLine(i).isEmpty()) {
            // Headers of the proxy's answer carry nothing we use.
        }
        if (status / 100 != 2) {
            throw new IOException("Proxy refused CONNECT " + authority + " with status " + status);
        }
    }
}
