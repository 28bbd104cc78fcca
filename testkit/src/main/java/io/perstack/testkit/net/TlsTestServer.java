package io.perstack.testkit.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLServerSocket;

/**
 * An HTTPS server on a loopback address standing in for an allowlisted public host. Every request is answered
 * {@code 200} with {@code hello from <name>} and its request line and body are recorded, so tests can see what an
 * exfiltration attempt delivered.
 */
public final class TlsTestServer implements AutoCloseable {
    private final SSLServerSocket socket;
    private final String name;
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());

    private TlsTestServer(SSLServerSocket socket, String name) {
        this.socket = socket;
        this.name = name;
    }

    public static TlsTestServer start(TestCertificate certificate, String name) {
        return start(certificate, name, InetAddress.getLoopbackAddress());
    }

    /**
     * On a chosen loopback address, such as {@code 127.0.0.2}: tests then exempt only that address, and
     * {@code 127.0.0.1} stays a blocked destination.
     */
    public static TlsTestServer start(TestCertificate certificate, String name, InetAddress bind) {
        try {
            SSLServerSocket socket = (SSLServerSocket) certificate.serverContext().getServerSocketFactory()
                    .createServerSocket(0, 50, bind);
            TlsTestServer server = new TlsTestServer(socket, name);
            Thread.ofVirtual().name("tls-test-server-" + name).start(server::acceptLoop);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(socket.getInetAddress(), port());
    }

    /** Request lines and bodies received so far. */
    public List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            if (requestLine == null) {
                return;
            }
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            char[] body = new char[Math.min(length, 1 << 20)];
            int read = 0;
            while (read < body.length) {
                int n = in.read(body, read, body.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            received.add(requestLine + (read > 0 ? "\n" + new String(body, 0, read) : ""));
            byte[] answer = ("hello from " + name + "\n").getBytes(StandardCharsets.UTF_8);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + answer.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(answer);
            out.flush();
        } catch (IOException e) {
            // a client that gives up mid-request is not the server's problem
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
