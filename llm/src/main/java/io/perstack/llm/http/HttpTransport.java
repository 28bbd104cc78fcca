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
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * All provider traffic of one client: blocking HTTP/1.1 exchanges on the calling thread over pooled
 * keep-alive connections, through {@code PERSTACK_PROXY_URL} when set. {@link #forGeneration} gives LangChain4j a
 * client bound to one generation's {@link Cancellation}.
 *
 * <p>Why not {@code java.net.http}: an agent loop sends one request every few milliseconds from a process that has
 * just started. The JDK client spreads each exchange over a selector thread, an executor and reactive subscribers,
 * and that much cold code cost a median 2.7 ms per request over requests 20 to 100 of a fresh JVM against the
 * scripted server, where one thread writing the request and reading the response took 0.8 to 1.3 ms.
 */
public final class HttpTransport {
    /** Provider error bodies are small; a hostile or broken endpoint must not make us buffer without limit. */
    private static final int MAX_ERROR_BODY = 1 << 20;
    private static final int CONNECT_TIMEOUT_MILLIS = 30_000;
    private static final int EXCHANGE_READ_TIMEOUT_MILLIS = 30_000;

    private final InetSocketAddress proxy;
    private final SSLContext tls;
    private final int connectTimeoutMillis;
    private final int exchangeReadTimeoutMillis;
    private final ConnectionPool pool = new ConnectionPool();
    private volatile SSLSocketFactory sockets;

    public HttpTransport(String proxyUrl) {
        this(proxyUrl, null);
    }

    /** With {@code tls} null, the JDK's default trust store decides which servers are trusted. */
    public HttpTransport(String proxyUrl, SSLContext tls) {
        this(proxyUrl, tls, CONNECT_TIMEOUT_MILLIS, EXCHANGE_READ_TIMEOUT_MILLIS);
    }

    /** With shorter timeouts, so tests of them need not wait the production 30 s. */
    HttpTransport(String proxyUrl, SSLContext tls, int connectTimeoutMillis, int exchangeReadTimeoutMillis) {
        this.proxy = proxy(proxyUrl);
        this.tls = tls;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.exchangeReadTimeoutMillis = exchangeReadTimeoutMillis;
    }

    private static InetSocketAddress proxy(String proxyUrl) {
        if (proxyUrl == null || proxyUrl.isBlank()) {
            return null;
        }
        URI uri = URI.create(proxyUrl.strip());
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("PERSTACK_PROXY_URL has no host: " + proxyUrl);
        }
        // Resolved when a connection is made, so a proxy name that changes address is followed.
        return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80);
    }

    /**
     * Starts opening a connection to {@code uri}'s origin (TCP, proxy tunnel, TLS handshake) in the background and
     * parks it in the pool, so the first request finds it ready. A run calls this as soon as it knows its provider:
     * the handshake then overlaps loading storage and starting skills. Failures are dropped here; the request itself
     * meets and reports them.
     */
    public void preconnect(URI uri) {
        Connection.Route route = Connection.Route.of(uri, proxy);
        ExchangeThread.start("perstack-preconnect", () -> {
            try {
                pool.release(Connection.open(route, connectTimeoutMillis, route.tls() ? sockets() : null,
                        new Cancellation()));
            } catch (IOException | RuntimeException ignored) {
                // See above: the first real request reports what is wrong with this address.
            }
        });
    }

    /** Idle connections waiting in the pool (for tests). */
    int idleConnections() {
        return pool.idleCount();
    }

    /** Closes the idle connections; exchanges in flight finish on their own connections. */
    public void close() {
        pool.closeAll();
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
     * Sends one request for a provider we speak to without a library (Anthropic, Bedrock) and returns the body
     * stream on success; an error status becomes a {@link ProviderHttpException} with the response headers. The
     * exchange is bound to {@code cancellation}: cancelling closes its connection, which ends any wait on it.
     */
    public InputStream open(ProviderRequest request, Cancellation cancellation)
            throws IOException, InterruptedException {
        Connection.Response r = send(request, cancellation, 0);
        if (r.status() >= 400) {
            throw new ProviderHttpException(r.status(), errorBody(r), r.headers());
        }
        return r.body();
    }

    /**
     * Sends a small request (a token exchange) and returns its body; error statuses throw, and so does a server that
     * stays silent for {@code 30 s}.
     */
    public String exchange(ProviderRequest request) throws IOException, InterruptedException {
        Connection.Response r = send(request, new Cancellation(), exchangeReadTimeoutMillis);
        String body = errorBody(r);
        if (r.status() >= 400) {
            throw new ProviderHttpException(r.status(), body, r.headers());
        }
        return body;
    }

    /** Generations have no read timeout here: their deadline covers the whole exchange (StreamingGeneration). */
    private Connection.Response send(ProviderRequest request, Cancellation cancellation, int readTimeoutMillis)
            throws IOException, InterruptedException {
        Connection.Route route = Connection.Route.of(request.uri(), proxy);
        Connection pooled = pool.take(route);
        if (pooled != null) {
            try {
                return sendOn(pooled, request, cancellation, readTimeoutMillis);
            } catch (Connection.StaleConnection stale) {
                // The server closed the idle connection before reading anything: the request never arrived.
            }
        }
        return sendOn(connect(route, cancellation), request, cancellation, readTimeoutMillis);
    }

    private Connection connect(Connection.Route route, Cancellation cancellation)
            throws IOException, InterruptedException {
        if (cancellation.isCancelled()) {
            throw new InterruptedException("Request cancelled");
        }
        try {
            return Connection.open(route, connectTimeoutMillis, route.tls() ? sockets() : null, cancellation);
        } catch (IOException e) {
            if (cancellation.isCancelled()) {
                throw new InterruptedException("Request cancelled");
            }
            throw e;
        }
    }

    private Connection.Response sendOn(Connection connection, ProviderRequest request, Cancellation cancellation,
                                       int readTimeoutMillis) throws IOException, InterruptedException {
        if (!cancellation.attach(connection)) {
            connection.closeQuietly();
            throw new InterruptedException("Request cancelled");
        }
        try {
            return connection.exchange(request, pool, cancellation, readTimeoutMillis);
        } catch (IOException e) {
            if (cancellation.isCancelled()) {
                throw new InterruptedException("Request cancelled");
            }
            throw e;
        }
    }

    private SSLSocketFactory sockets() throws IOException {
        SSLSocketFactory f = sockets;
        if (f == null) {
            try {
                f = (tls != null ? tls : SSLContext.getDefault()).getSocketFactory();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("No TLS available: " + e.getMessage(), e);
            }
            sockets = f;
        }
        return f;
    }

    private static String errorBody(Connection.Response r) throws IOException {
        return new String(Connection.readAtMost(r.body(), MAX_ERROR_BODY), StandardCharsets.UTF_8);
    }

    private static ProviderRequest fromLangChain(HttpRequest request) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        request.headers().forEach((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
        String body = request.body();
        return new ProviderRequest(request.method().name(), URI.create(request.url()), headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private final class BoundClient implements HttpClient {
        private final Cancellation cancellation;

        BoundClient(Cancellation cancellation) {
            this.cancellation = cancellation;
        }

        @Override
        public SuccessfulHttpResponse execute(HttpRequest request) {
            try {
                Connection.Response r = send(fromLangChain(request), cancellation, 0);
                String body = errorBody(r);
                if (r.status() >= 400) {
                    throw new ProviderHttpException(r.status(), body, r.headers());
                }
                return SuccessfulHttpResponse.builder().statusCode(r.status()).headers(r.headers()).body(body)
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Request cancelled", e);
            }
        }

        @Override
        public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
            // Its own thread, so the generation's deadline can be enforced by the thread waiting for the outcome.
            ExchangeThread.start("perstack-llm-stream", () -> stream(request, parser, listener));
        }

        private void stream(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
            Connection.Response r;
            try {
                r = send(fromLangChain(request), cancellation, 0);
            } catch (IOException | InterruptedException | RuntimeException e) {
                listener.onError(e);
                return;
            }
            try {
                if (r.status() >= 400) {
                    listener.onError(new ProviderHttpException(r.status(), errorBody(r), r.headers()));
                    return;
                }
                listener.onOpen(SuccessfulHttpResponse.builder().statusCode(r.status()).headers(r.headers())
                        .build());
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
}
