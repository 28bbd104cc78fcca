package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.perstack.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A real HTTP server on {@code 127.0.0.1} (ephemeral port by default) that answers like an LLM provider, serving the
 * replies of a {@link Script} in order and recording every request. Runtime tests point a provider at it through its
 * base URL and a dummy key instead of calling a real provider.
 *
 * <p>Routes (all {@code POST}; anything else is 404 with a JSON error):
 * <ul>
 *   <li>{@code …/messages} — Anthropic Messages ({@link #anthropicBaseUrl()})</li>
 *   <li>{@code …/chat/completions} — OpenAI Chat Completions ({@link #openAiBaseUrl()}); Azure deployment and
 *       DeepSeek paths end the same way</li>
 *   <li>{@code …/models/<model>:generateContent} and {@code :streamGenerateContent} — Gemini
 *       ({@link #geminiBaseUrl()}); Vertex paths end the same way</li>
 *   <li>{@code /model/<id>/converse} and {@code /converse-stream} — Bedrock Converse ({@link #bedrockBaseUrl()})</li>
 *   <li>{@code /api/chat} — Ollama ({@link #ollamaBaseUrl()})</li>
 * </ul>
 *
 * <p>A reply streams (SSE, NDJSON for Ollama, AWS event stream for Bedrock; flushed per frame) when the request asks
 * for streaming, else it is one JSON body. The script format is described on {@link Script}.
 */
public final class ScriptedLlmServer implements AutoCloseable {

    private static final Pattern GEMINI = Pattern.compile(".*/models/[^/]+:(generateContent|streamGenerateContent)");
    private static final Pattern BEDROCK = Pattern.compile(".*/model/[^/]+/(converse|converse-stream)");

    private final HttpServer http;
    private final ExecutorService handlers;
    private final ScriptCursor cursor;
    private final Options options;
    private final Object recordLock = new Object();
    private final List<RecordedRequest> recorded = new ArrayList<>();
    private int arrivals;

    /**
     * How to run the server.
     *
     * @param port      TCP port on 127.0.0.1, 0 for an ephemeral one
     * @param record    whether {@link #requests()} keeps requests; long benchmark runs turn it off to keep memory flat
     * @param onRequest called with every request as it arrives (before it is answered), e.g. to log it
     */
    public record Options(int port, boolean record, Consumer<RecordedRequest> onRequest) {
        public static final Options DEFAULT = new Options(0, true, r -> {});

        public Options {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            onRequest = onRequest == null ? r -> {} : onRequest;
        }
    }

    private ScriptedLlmServer(Script script, Options options) throws IOException {
        this.cursor = new ScriptCursor(script);
        this.options = options;
        // Without TCP_NODELAY, Nagle's algorithm holds back small SSE writes until the client's delayed ACK (about
        // 40 ms), which would make every scripted generation look slow. The JDK server reads this once per server.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // The default keeps 200 idle connections and drops the rest, which clients that pool more would meet as
        // connections closed under them; benchmarks run hundreds of jobs against one server.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 0);
        // One virtual thread per exchange: a delayed or slowly streamed reply must not hold up parallel requests.
        this.handlers = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
        http.start();
    }

    public static ScriptedLlmServer start(Script script) {
        return start(script, Options.DEFAULT);
    }

    public static ScriptedLlmServer start(Script script, Options options) {
        try {
            return new ScriptedLlmServer(script, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the scripted LLM server", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** Base URL for Anthropic clients ({@code ANTHROPIC_BASE_URL}); they append {@code /messages}. */
    public String anthropicBaseUrl() {
        return baseUrl() + "/v1";
    }

    /** Base URL for OpenAI clients ({@code OPENAI_BASE_URL}); they append {@code /chat/completions}. */
    public String openAiBaseUrl() {
        return baseUrl() + "/v1";
    }

    /** Base URL for Gemini clients; they append {@code /models/<model>:generateContent}. */
    public String geminiBaseUrl() {
        return baseUrl() + "/v1beta";
    }

    /** Endpoint for Bedrock runtime clients; they append {@code /model/<id>/converse}. */
    public String bedrockBaseUrl() {
        return baseUrl();
    }

    /** Base URL for Ollama clients ({@code OLLAMA_BASE_URL}); they append {@code /api/chat}. */
    public String ollamaBaseUrl() {
        return baseUrl();
    }

    /** A snapshot of the recorded requests in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (recordLock) {
            return List.copyOf(recorded);
        }
    }

    /** Requests received so far, recorded or not. */
    public int requestCount() {
        synchronized (recordLock) {
            return arrivals;
        }
    }

    /** Scripted replies not yet served (repeats counted; the fallback is not). */
    public int remainingReplies() {
        return cursor.remaining();
    }

    /**
     * Waits until at least {@code n} requests have been recorded and returns them.
     *
     * @throws AssertionError when fewer arrived within {@code timeout}, naming the ones that did
     */
    public List<RecordedRequest> awaitRequests(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (recordLock) {
            while (recorded.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + n + " requests within " + timeout + " but got "
                            + recorded.size() + ": "
                            + recorded.stream().map(r -> r.method() + " " + r.path()).toList());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(recordLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for requests", e);
                }
            }
            return List.copyOf(recorded);
        }
    }

    /** Stops listening and interrupts replies still being delayed or streamed. */
    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Optional<WireFormat> route(String method, String path) {
        if (!"POST".equals(method)) {
            return Optional.empty();
        }
        if (path.endsWith("/messages")) {
            return Optional.of(new AnthropicMessagesFormat());
        }
        if (path.endsWith("/chat/completions")) {
            return Optional.of(new OpenAiChatFormat());
        }
        if (GEMINI.matcher(path).matches()) {
            return Optional.of(new GeminiFormat());
        }
        if (BEDROCK.matcher(path).matches()) {
            return Optional.of(new BedrockConverseFormat());
        }
        if (path.equals("/api/chat")) {
            return Optional.of(new OllamaChatFormat());
        }
        return Optional.empty();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            Optional<WireFormat> format = route(method, path);
            String bodyText = new String(raw, StandardCharsets.UTF_8);
            JsonNode body = parse(bodyText);
            boolean streaming = format.map(f -> f.streaming(path, query == null ? "" : query, body)).orElse(false);
            RecordedRequest request = record(method, path, query == null ? "" : query,
                    exchange.getRequestHeaders(), bodyText, body, format.map(WireFormat::wire).orElse(Wire.UNKNOWN),
                    streaming);
            options.onRequest().accept(request);

            if (format.isEmpty()) {
                var error = Json.object();
                error.putObject("error").put("type", "not_found_error")
                        .put("message", "Scripted LLM server has no route for " + method + " " + path);
                sendJson(exchange, 404, error, Map.of());
                return;
            }
            WireFormat wire = format.get();
            switch (cursor.next(request)) {
                case ScriptCursor.Next.Exhausted(String reason) ->
                        sendJson(exchange, 500, wire.error(500, new Reply.ProviderError(null, reason), request),
                                wire.errorHeaders(500, new Reply.ProviderError(null, reason)));
                case ScriptCursor.Next.Serve(Reply reply) -> serve(exchange, wire, request, reply);
            }
        } catch (IOException e) {
            // The client went away (timeout, cancellation); nothing left to answer.
        } catch (InterruptedException e) {
            // close() interrupts delayed or streaming replies; end the exchange quietly.
            Thread.currentThread().interrupt();
        }
    }

    private void serve(HttpExchange exchange, WireFormat wire, RecordedRequest request, Reply reply)
            throws IOException, InterruptedException {
        if (reply.delay().isPositive()) {
            Thread.sleep(reply.delay());
        }
        if (reply.isError()) {
            Map<String, String> headers = new LinkedHashMap<>(wire.errorHeaders(reply.status(), reply.error()));
            headers.putAll(reply.headers());
            JsonNode body = reply.errorBody() != null ? reply.errorBody()
                    : wire.error(reply.status(), reply.error(), request);
            sendJson(exchange, reply.status(), body, headers);
            return;
        }
        if (!request.streaming()) {
            sendJson(exchange, reply.status(), wire.body(reply, request), reply.headers());
            return;
        }
        WireFormat.Stream stream = wire.stream(reply, request);
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", stream.contentType());
        headers.set("Cache-Control", "no-cache");
        reply.headers().forEach(headers::set);
        // Length 0 selects chunked transfer encoding, so each flushed frame reaches the client at once.
        exchange.sendResponseHeaders(reply.status(), 0);
        OutputStream out = exchange.getResponseBody();
        boolean first = true;
        List<byte[]> frames = stream.frames();
        if (reply.cutAfterFrames() != null && reply.cutAfterFrames() < frames.size()) {
            frames = frames.subList(0, reply.cutAfterFrames());
        }
        for (byte[] frame : frames) {
            if (!first && reply.chunkDelay().isPositive()) {
                Thread.sleep(reply.chunkDelay());
            }
            first = false;
            out.write(frame);
            out.flush();
        }
        out.close();
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body, Map<String, String> extra)
            throws IOException {
        byte[] bytes = Json.writeBytes(body);
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        extra.forEach(headers::set);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private RecordedRequest record(String method, String path, String query, Headers rawHeaders, String bodyText,
            JsonNode body, Wire wire, boolean streaming) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        rawHeaders.forEach((name, values) ->
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        headers.replaceAll((k, v) -> List.copyOf(v));
        synchronized (recordLock) {
            RecordedRequest request = new RecordedRequest(arrivals++, method, path, query, headers, bodyText, body,
                    wire, streaming, Instant.now());
            if (options.record()) {
                recorded.add(request);
            }
            recordLock.notifyAll();
            return request;
        }
    }

    private static JsonNode parse(String text) {
        if (text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = Json.mapper().readTree(text);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }
}
