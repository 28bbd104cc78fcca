package io.perstack.llm.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal HTTP proxy on loopback: {@code CONNECT host:port} opens a byte tunnel to that address (or is refused
 * with a fixed status), and any other request, which a client sends to a proxy in absolute form, is answered by the
 * proxy itself with {@code 200 "from proxy"}. Every request head (request line and header lines) is recorded.
 */
final class TunnelProxy implements AutoCloseable {
    static final String ANSWER = "from proxy";

    private final ServerSocket socket;
    private final int refuseWith;
    private final List<List<String>> heads = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private TunnelProxy(ServerSocket socket, int refuseWith) {
        this.socket = socket;
        this.refuseWith = refuseWith;
    }

    static TunnelProxy start() {
        return start(0);
    }

    /** A proxy answering every {@code CONNECT} with {@code status} instead of opening a tunnel. */
    static TunnelProxy refusing(int status) {
        return start(status);
    }

    private static TunnelProxy start(int refuseWith) {
        try {
            TunnelProxy proxy = new TunnelProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                    refuseWith);
            Thread.ofVirtual().name("tunnel-proxy").start(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** Request heads received so far: each the request line followed by its header lines. */
    List<List<String>> heads() {
        synchronized (heads) {
            return List.copyOf(heads);
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            List<String> head = new ArrayList<>();
            int length = 0;
            for (String line = RawHttpServer.readLine(in); !line.isEmpty(); line = RawHttpServer.readLine(in)) {
                head.add(line);
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).strip());
                }
            }
            synchronized (heads) {
                heads.add(List.copyOf(head));
            }
            String[] requestLine = head.getFirst().split(" ");
            if (!requestLine[0].equals("CONNECT")) {
                in.readNBytes(length);
                out.write(RawHttpServer.response("200 OK", ANSWER, "Connection: close")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            if (refuseWith != 0) {
                out.write(("HTTP/1.1 " + refuseWith + " Refused\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            String authority = requestLine[1];
            int colon = authority.lastIndexOf(':');
            try (Socket upstream = new Socket(authority.substring(0, colon),
                    Integer.parseInt(authority.substring(colon + 1)))) {
                open.add(upstream);
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.ofVirtual().start(() -> pump(in, upstream));
                pumpFrom(upstream, out);
            } finally {
                open.removeIf(Socket::isClosed);
            }
        } catch (IOException e) {
            // One side went away; the tunnel is over.
        } finally {
            open.remove(client);
        }
    }

    private static void pump(InputStream from, Socket to) {
        try {
            from.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // The other direction ends the tunnel.
        }
    }

    private static void pumpFrom(Socket from, OutputStream to) throws IOException {
        from.getInputStream().transferTo(to);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
