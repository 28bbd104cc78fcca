package io.perstack.llm.http;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server over a plain {@link ServerSocket} that answers each request with the next canned
 * {@link Reply}, byte for byte as written, so tests control framing, keep-alive and misbehaviour exactly. It counts
 * accepted connections and records every request it read (with the number of the connection it came on). With no
 * reply left it closes the connection without answering.
 */
final class RawHttpServer implements AutoCloseable {
    /** One request as the server read it; {@code connection} numbers accepted connections from 1. */
    record Request(int connection, String line, List<String> headerLines, byte[] body) {
        /** All values of a header, in order, matched case-insensitively. */
        List<String> header(String name) {
            List<String> values = new ArrayList<>();
            for (String h : headerLines) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    values.add(h.substring(colon + 1).strip());
                }
            }
            return values;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Writes one answer; what the connection does afterwards is the reply's {@link After}. */
    @FunctionalInterface
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    enum After { KEEP_OPEN, CLOSE, STALL }

    /** A canned answer to one request. */
    record Reply(Writer writer, After after) {
        /** Exactly these characters (ISO-8859-1), connection kept open for the next request. */
        static Reply raw(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            return new Reply(out -> out.write(bytes), After.KEEP_OPEN);
        }

        /** {@code 200 OK} with a {@code Content-Length} body. */
        static Reply ok(String body) {
            return raw(response("200 OK", body));
        }

        /** Reads the request, then never answers and keeps the connection open. */
        static Reply silent() {
            return new Reply(out -> { }, After.STALL);
        }

        /** The head, then {@code unit} over and over until the client goes away. */
        static Reply endless(String head, String unit) {
            byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] u = unit.getBytes(StandardCharsets.ISO_8859_1);
            return new Reply(out -> {
                out.write(h);
                while (true) {
                    out.write(u);
                }
            }, After.CLOSE);
        }

        Reply thenClose() {
            return new Reply(writer, After.CLOSE);
        }

        /** Keeps the connection open without answering anything more. */
        Reply thenStall() {
            return new Reply(writer, After.STALL);
        }
    }

    /** A complete response with a {@code Content-Length} body. */
    static String response(String status, String body, String... headers) {
        StringBuilder s = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        s.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        return s.append(new String(bytes, StandardCharsets.ISO_8859_1)).toString();
    }

    private final ServerSocket socket;
    private final LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private RawHttpServer(ServerSocket socket) {
        this.socket = socket;
    }

    static RawHttpServer start(Reply... replies) {
        try {
            RawHttpServer server = new RawHttpServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            server.enqueue(replies);
            Thread.ofVirtual().name("raw-http-server").start(server::acceptLoop);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void enqueue(Reply... more) {
        replies.addAll(List.of(more));
    }

    int port() {
        return socket.getLocalPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Connections the client closed or reset (seen at end of stream, or as a failed read or write). */
    int closedByClient() {
        return closedByClient.get();
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                int number = accepted.incrementAndGet();
                open.add(client);
                Thread.ofVirtual().name("raw-http-connection-" + number).start(() -> serve(client, number));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client, int number) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            while (true) {
                Request request = readRequest(in, number);
                if (request == null) {
                    closedByClient.incrementAndGet();
                    return;
                }
                synchronized (requests) {
                    requests.add(request);
                }
                Reply reply = replies.poll(5, TimeUnit.SECONDS);
                if (reply == null) {
                    return;
                }
                reply.writer().write(out);
                out.flush();
                switch (reply.after()) {
                    case KEEP_OPEN -> { }
                    case CLOSE -> {
                        return;
                    }
                    case STALL -> {
                        stopped.await();
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // The client went away (closing with unread data resets the connection); nothing to answer.
            closedByClient.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
        }
    }

    private static Request readRequest(InputStream in, int connection) throws IOException {
        String line;
        try {
            line = readLine(in);
        } catch (EOFException e) {
            return null;
        }
        List<String> headers = new ArrayList<>();
        int length = 0;
        for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
            headers.add(h);
            if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring("content-length:".length()).strip());
            }
        }
        return new Request(connection, line, List.copyOf(headers), in.readNBytes(length));
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException();
            }
            line.append((char) c);
        }
        int n = line.length();
        return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
    }

    @Override
    public void close() {
        stopped.countDown();
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
