package io.perstack.llm.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import io.perstack.core.json.Json;
import io.perstack.llm.ClassifiedFailure;
import io.perstack.llm.FailureClassifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One shared JDK HTTP client for all provider traffic of the process. {@link #forGeneration} gives LangChain4j a
 * client bound to one generation's {@link Cancellation}.
 */
public final class JdkTransport {
    /** Provider error bodies are small; a hostile or broken endpoint must not make us buffer without limit. */
    private static final int MAX_ERROR_BODY = 1 << 20;

    private final java.net.http.HttpClient client;

    public JdkTransport(String proxyUrl) {
        java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER);
        if (proxyUrl != null && !proxyUrl.isBlank()) {
            URI proxy = URI.create(proxyUrl);
            int port = proxy.getPort() > 0 ? proxy.getPort() : 80;
            b.proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), port)));
        }
        this.client = b.build();
    }

    /**
     * Stops the client's selector thread now. Left running, a thread parked in native code makes the JVM's exit wait
     * about 300 ms for it, which every short CLI run would pay.
     */
    public void close() {
        client.shutdownNow();
        try {
            client.awaitTermination(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public HttpClientBuilder forGeneration(Cancellation cancellation) {
        HttpClient bound = new BoundClient(cancellation);
        return new HttpClientBuilder() {
            private Duration connect;
            private Duration read;

            @Override
            public Duration connectTimeout() {
                return connect;
            }

            @Override
            public HttpClientBuilder connectTimeout(Duration timeout) {
                connect = timeout;
                return this;
            }

            @Override
            public Duration readTimeout() {
                return read;
            }

            @Override
            public HttpClientBuilder readTimeout(Duration timeout) {
                read = timeout;
                return this;
            }

            @Override
            public HttpClient build() {
                return bound;
            }
        };
    }

    /**
     * Sends one request for a provider we speak to without a library (Bedrock) and returns the response body
     * stream on success; an error status becomes a {@link ProviderHttpException} with the response headers. The
     * exchange is bound to {@code cancellation}: cancelling interrupts the wait or closes the stream.
     */
    public InputStream open(java.net.http.HttpRequest request, Cancellation cancellation)
            throws IOException, InterruptedException {
        cancellation.attach(Thread.currentThread());
        HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() >= 400) {
            throw new ProviderHttpException(r.statusCode(), readLimited(r.body()), r.headers().map());
        }
        if (!cancellation.attach(r.body())) {
            r.body().close();
            throw new InterruptedException("Request cancelled");
        }
        return r.body();
    }

    /** Sends a small request (a token exchange) and returns its body; error statuses throw. */
    public String exchange(java.net.http.HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String body = readLimited(r.body());
        if (r.statusCode() >= 400) {
            throw new ProviderHttpException(r.statusCode(), body, r.headers().map());
        }
        return body;
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> {
            // Restricted by the JDK client; it sets them itself.
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")
                    && !name.equalsIgnoreCase("connection")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        String body = request.body();
        switch (request.method()) {
            case GET -> b.GET();
            case DELETE -> b.DELETE();
            default -> b.method(request.method().name(), body == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static String readLimited(InputStream in) throws IOException {
        try (in) {
            return new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        }
    }

    private final class BoundClient implements HttpClient {
        private final Cancellation cancellation;

        BoundClient(Cancellation cancellation) {
            this.cancellation = cancellation;
        }

        @Override
        public SuccessfulHttpResponse execute(HttpRequest request) {
            try {
                cancellation.attach(Thread.currentThread());
                HttpResponse<InputStream> r = client.send(toJdk(request), HttpResponse.BodyHandlers.ofInputStream());
                String body = readLimited(r.body());
                if (r.statusCode() >= 400) {
                    throw new ProviderHttpException(r.statusCode(), body, r.headers().map());
                }
                return SuccessfulHttpResponse.builder().statusCode(r.statusCode()).headers(r.headers().map())
                        .body(body).build();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Request cancelled", e);
            }
        }

        @Override
        public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
            Thread.ofVirtual().name("perstack-llm-stream").start(() -> stream(request, parser, listener));
        }

        private void stream(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
            cancellation.attach(Thread.currentThread());
            HttpResponse<InputStream> r;
            try {
                r = client.send(toJdk(request), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                listener.onError(e);
                return;
            } catch (InterruptedException e) {
                listener.onError(e);
                return;
            }
            try {
                if (r.statusCode() >= 400) {
                    listener.onError(new ProviderHttpException(r.statusCode(), readLimited(r.body()),
                            r.headers().map()));
                    return;
                }
                if (!cancellation.attach(r.body())) {
                    r.body().close();
                    return;
                }
                listener.onOpen(SuccessfulHttpResponse.builder().statusCode(r.statusCode())
                        .headers(r.headers().map()).build());
                ErrorFrameGuard guarded = new ErrorFrameGuard(listener);
                try (InputStream in = r.body()) {
                    parser.parse(in, guarded);
                }
                if (!guarded.failed()) {
                    listener.onClose();
                }
            } catch (IOException | RuntimeException e) {
                listener.onError(e);
            }
        }
    }

    /**
     * Turns an error object sent as a stream frame ({@code {"error": {...}}}, as Gemini and OpenAI-compatible
     * servers do when a stream breaks after its 200) into a failure. Without this LangChain4j would finish the
     * response with the text received so far, and a truncated answer would pass for a complete one.
     */
    private static final class ErrorFrameGuard implements ServerSentEventListener {
        private final ServerSentEventListener delegate;
        private boolean failed;

        ErrorFrameGuard(ServerSentEventListener delegate) {
            this.delegate = delegate;
        }

        boolean failed() {
            return failed;
        }

        private boolean fails(ServerSentEvent event) {
            if (failed) {
                return true;
            }
            String data = event.data();
            if (data == null || !data.contains("\"error\"")) {
                return false;
            }
            JsonNode error;
            try {
                error = Json.mapper().readTree(data).path("error");
            } catch (IOException | RuntimeException notJson) {
                return false;
            }
            if (error.isMissingNode() || error.isNull()) {
                return false;
            }
            String type = error.isObject() ? error.path("status").asText(error.path("type").asText(null)) : null;
            String message = error.isObject() ? error.path("message").asText("") : error.asText();
            failed = true;
            delegate.onError(new ClassifiedFailure(
                    FailureClassifier.fromStreamError(type, message)));
            return true;
        }

        @Override
        public void onEvent(ServerSentEvent event,
                            ServerSentEventContext context) {
            if (!fails(event)) {
                delegate.onEvent(event, context);
            }
        }

        @Override
        public void onEvent(ServerSentEvent event) {
            if (!fails(event)) {
                delegate.onEvent(event);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!failed) {
                failed = true;
                delegate.onError(error);
            }
        }
    }

    /** Header names whose values must never be logged. */
    public static List<String> sensitiveHeaders() {
        return List.of("x-api-key", "authorization", "api-key");
    }

    static Map<String, List<String>> none() {
        return Map.of();
    }
}
