package io.perstack.testkit.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * The hostile server over HTTPS on {@code 127.0.0.1}, speaking both remote MCP transports:
 * <ul>
 *   <li>streamable HTTP at {@code /mcp}: every request is answered on its own {@code text/event-stream} response,
 *       progress notifications included; notifications get {@code 202};</li>
 *   <li>HTTP+SSE at {@code /sse} (the stream, starting with an {@code endpoint} event) and {@code /message}.</li>
 * </ul>
 * {@code crash} drops the connection in the middle of the call.
 */
public final class HostileHttpServer implements AutoCloseable {
    private final HttpsServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final HostileProtocol protocol;
    private final Map<String, SseSession> sessions = new ConcurrentHashMap<>();

    private HostileHttpServer(Behaviour behaviour, SSLContext tls) throws IOException {
        this.protocol = new HostileProtocol(behaviour);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(handlers);
        server.createContext("/mcp", this::streamable);
        server.createContext("/sse", this::sseStream);
        server.createContext("/message", this::sseMessage);
        server.start();
    }

    public static HostileHttpServer start(Behaviour behaviour, SSLContext tls) {
        try {
            return new HostileHttpServer(behaviour, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    // ---------------------------------------------------------------- streamable HTTP

    private void streamable(HttpExchange exchange) throws IOException {
        switch (exchange.getRequestMethod()) {
            case "POST" -> {
                JsonNode message = Json.tree(new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8));
                if (!message.has("id") || !message.has("method")) {
                    exchange.sendResponseHeaders(202, -1);
                    exchange.close();
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                if ("initialize".equals(message.path("method").asText())) {
                    exchange.getResponseHeaders().set("Mcp-Session-Id", Ids.next());
                }
                exchange.sendResponseHeaders(200, 0);
                OutputStream body = exchange.getResponseBody();
                CountDownLatch answered = new CountDownLatch(1);
                JsonNode id = message.get("id");
                protocol.handle(message, new HostileProtocol.Peer() {
                    @Override
                    public void send(JsonNode out) {
                        writeEvent(body, out);
                        if (out.has("id") && out.get("id").equals(id)) {
                            answered.countDown();
                        }
                    }

                    @Override
                    public void garbage(String line) {
                        writeRaw(body, "data: " + line + "\n\n");
                    }

                    @Override
                    public void crash() {
                        exchange.close();
                        answered.countDown();
                    }
                });
                try {
                    answered.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            }
            case "DELETE" -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            }
            default -> {
                // No server-initiated stream: the client falls back to answers on POST responses.
                exchange.sendResponseHeaders(405, -1);
                exchange.close();
            }
        }
    }

    // ---------------------------------------------------------------- HTTP+SSE

    private record SseSession(OutputStream body, CountDownLatch ended) {}

    private void sseStream(HttpExchange exchange) throws IOException {
        String session = Ids.next();
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = exchange.getResponseBody();
        SseSession s = new SseSession(body, new CountDownLatch(1));
        sessions.put(session, s);
        writeRaw(body, "event: endpoint\ndata: /message?sessionId=" + session + "\n\n");
        try {
            s.ended().await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sessions.remove(session);
        exchange.close();
    }

    private void sseMessage(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        String session = query == null ? "" : query.replace("sessionId=", "");
        SseSession s = sessions.get(session);
        JsonNode message = Json.tree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (s == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(202, -1);
        exchange.close();
        protocol.handle(message, new HostileProtocol.Peer() {
            @Override
            public void send(JsonNode out) {
                writeEvent(s.body(), out);
            }

            @Override
            public void garbage(String line) {
                writeRaw(s.body(), "event: message\ndata: " + line + "\n\n");
            }

            @Override
            public void crash() {
                s.ended().countDown();
            }
        });
    }

    private static void writeEvent(OutputStream body, JsonNode message) {
        writeRaw(body, "event: message\ndata: " + Json.write(message) + "\n\n");
    }

    private static void writeRaw(OutputStream body, String text) {
        synchronized (body) {
            try {
                body.write(text.getBytes(StandardCharsets.UTF_8));
                body.flush();
            } catch (IOException e) {
                // The client went away; the test decides whether that matters.
            }
        }
    }

    @Override
    public void close() {
        sessions.values().forEach(s -> s.ended().countDown());
        server.stop(0);
        handlers.shutdownNow();
    }
}
