package io.perstack.llm.http;

import static io.perstack.llm.http.RawHttpServer.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.perstack.llm.http.RawHttpServer.Reply;
import io.perstack.testkit.net.TestCertificate;
import io.perstack.testkit.net.TlsTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The provider HTTP transport against real loopback peers: {@link RawHttpServer} answering with exact bytes,
 * {@link TlsTestServer} for TLS, and {@link TunnelProxy} for proxies. Bounds such as {@link #PROMPTLY} only keep a
 * broken transport from hanging the suite; no test measures speed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpTransportTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final String PATH = "/v1/messages";

    @TempDir
    static Path certificates;
    /** Names {@code localhost}, where the loopback servers are reached. */
    private static TestCertificate localhost;
    /** Names only {@code llm.example}: trusted when given as the trust anchor, but not for {@code localhost}. */
    private static TestCertificate otherHost;

    @BeforeAll
    static void createCertificates() throws IOException {
        localhost = TestCertificate.create(Files.createDirectories(certificates.resolve("localhost")), "localhost");
        otherHost = TestCertificate.create(Files.createDirectories(certificates.resolve("other")), "llm.example");
    }

    private final List<AutoCloseable> peers = new ArrayList<>();
    private HttpTransport transport = new HttpTransport(null);

    @AfterEach
    void closeEverything() throws Exception {
        transport.close();
        for (AutoCloseable peer : peers.reversed()) {
            peer.close();
        }
    }

    private RawHttpServer serve(Reply... replies) {
        return closing(RawHttpServer.start(replies));
    }

    private <T extends AutoCloseable> T closing(T peer) {
        peers.add(peer);
        return peer;
    }

    private void useTransport(HttpTransport replacement) {
        transport.close();
        transport = replacement;
    }

    private static ProviderRequest post(URI uri, String body) {
        return ProviderRequest.post(uri, Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private String exchange(RawHttpServer server) throws IOException, InterruptedException {
        return transport.exchange(post(server.uri(PATH), "{}"));
    }

    private InputStream open(RawHttpServer server, Cancellation cancellation)
            throws IOException, InterruptedException {
        return transport.open(post(server.uri(PATH), "{}"), cancellation);
    }

    private static String readAll(InputStream body) throws IOException {
        try (body) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static URI https(int port) {
        return URI.create("https://localhost:" + port + PATH);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What {@code call} threw; an {@link AssertionError} when it returned. */
    private static Throwable catchFailure(Callable<?> call) {
        try {
            Object value = call.call();
            throw new AssertionError("expected a failure, got " + value);
        } catch (Exception e) {
            return e;
        }
    }

    /** A task on its own virtual thread, with the thread so a test can wait for it to block. */
    private record Background<T>(Thread thread, CompletableFuture<T> result) {
        static <T> Background<T> start(Callable<T> task) {
            CompletableFuture<T> result = new CompletableFuture<>();
            Thread thread = Thread.ofVirtual().start(() -> {
                try {
                    result.complete(task.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
            return new Background<>(thread, result);
        }

        /** Until the task waits (on a socket, for one), or has already ended. */
        void awaitBlocked() {
            await().atMost(PROMPTLY).until(() -> result.isDone() || thread.getState() == Thread.State.WAITING
                    || thread.getState() == Thread.State.TIMED_WAITING);
        }

        /** What the task failed with, which it must do within {@link #PROMPTLY}. */
        Throwable failure() throws InterruptedException {
            try {
                T value = result.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError("expected a failure, got " + value);
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                throw new AssertionError("still running after " + PROMPTLY);
            }
        }
    }

    @Nested
    class ConnectionReuse {
        @Test
        void consecutiveExchangesToOneOriginShareOneConnection() throws Exception {
            RawHttpServer server = serve(Reply.ok("one"), Reply.ok("two"), Reply.ok("three"));

            assertThat(exchange(server)).isEqualTo("one");
            assertThat(readAll(open(server, new Cancellation()))).isEqualTo("two");
            assertThat(exchange(server)).isEqualTo("three");

            assertThat(server.accepted()).isEqualTo(1);
            assertThat(server.requests()).extracting(RawHttpServer.Request::connection).containsExactly(1, 1, 1);
        }

        @Test
        void aPreconnectedConnectionCarriesTheFirstExchange() throws Exception {
            RawHttpServer server = serve(Reply.ok("first"));

            transport.preconnect(server.uri("/v1/messages"));
            await().atMost(PROMPTLY).until(() -> transport.idleConnections() == 1);
            assertThat(exchange(server)).isEqualTo("first");

            assertThat(server.accepted()).isEqualTo(1);
            assertThat(server.requests()).extracting(RawHttpServer.Request::connection).containsExactly(1);
        }

        @Test
        void aBodyClosedBeforeItsEndIsNotReused() throws Exception {
            RawHttpServer server = serve(Reply.ok("0123456789"), Reply.ok("second"));

            try (InputStream body = open(server, new Cancellation())) {
                assertThat(body.readNBytes(3)).asString(StandardCharsets.UTF_8).isEqualTo("012");
            }
            await().atMost(PROMPTLY).until(() -> server.closedByClient() == 1);
            assertThat(exchange(server)).isEqualTo("second");

            assertThat(server.accepted()).isEqualTo(2);
            assertThat(server.requests()).extracting(RawHttpServer.Request::connection).containsExactly(1, 2);
        }

        @Test
        void aPooledConnectionTheServerClosedMeanwhileIsRetriedOnAFreshOne() throws Exception {
            RawHttpServer server = serve(Reply.ok("first").thenClose(), Reply.ok("second"));

            assertThat(exchange(server)).isEqualTo("first");
            assertThat(exchange(server)).isEqualTo("second");

            assertThat(server.accepted()).isEqualTo(2);
            assertThat(server.requests()).extracting(RawHttpServer.Request::connection).containsExactly(1, 2);
        }

        @Test
        void aResponseThatBrokeOffInItsHeadIsNotSentAgain() throws Exception {
            RawHttpServer server = serve(Reply.ok("first"),
                    Reply.raw("HTTP/1.1 200 OK\r\nContent-Le").thenClose());
            assertThat(exchange(server)).isEqualTo("first");

            assertThatThrownBy(() -> exchange(server)).isInstanceOf(IOException.class)
                    .hasMessageContaining("response head");

            assertThat(server.accepted()).isEqualTo(1);
            assertThat(server.requests()).hasSize(2);
        }

        @Test
        void aBodyShorterThanItsContentLengthFailsAndIsNotSentAgain() throws Exception {
            RawHttpServer server = serve(Reply.ok("first"),
                    Reply.raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part").thenClose());
            assertThat(exchange(server)).isEqualTo("first");

            assertThatThrownBy(() -> exchange(server)).isInstanceOf(IOException.class)
                    .hasMessageContaining("before the end of the response");

            assertThat(server.accepted()).isEqualTo(1);
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Nested
    class Framing {
        @Test
        void chunkedBodyWithExtensionsAndTrailersIsDecodedAndLeavesTheConnectionReusable() throws Exception {
            RawHttpServer server = serve(Reply.raw("""
                    HTTP/1.1 200 OK\r
                    Transfer-Encoding: chunked\r
                    \r
                    5;name=value\r
                    hello\r
                    7\r
                    , world\r
                    0\r
                    X-Checksum: abc\r
                    \r
                    """), Reply.ok("next"));

            assertThat(exchange(server)).isEqualTo("hello, world");
            assertThat(exchange(server)).isEqualTo("next");
            assertThat(server.accepted()).isEqualTo(1);
        }

        @Test
        void contentLengthBodyEndsAtItsLengthWhileTheConnectionStaysOpen() throws Exception {
            RawHttpServer server = serve(Reply.raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));

            String body = assertTimeoutPreemptively(PROMPTLY, () -> readAll(open(server, new Cancellation())));

            assertThat(body).isEqualTo("hello");
        }

        @Test
        void bodyWithoutLengthOrChunkingEndsWhenTheServerClosesAndIsNotReused() throws Exception {
            RawHttpServer server = serve(Reply.raw("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close")
                    .thenClose(), Reply.ok("next"));

            assertThat(exchange(server)).isEqualTo("until close");
            assertThat(exchange(server)).isEqualTo("next");
            assertThat(server.accepted()).isEqualTo(2);
        }

        @Test
        void interimResponsesBeforeTheRealOneAreSkipped() throws Exception {
            RawHttpServer server = serve(Reply.raw("HTTP/1.1 100 Continue\r\n\r\n"
                    + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + response("200 OK", "real", "X-Final: yes")));

            assertThat(exchange(server)).isEqualTo("real");
        }

        @Test
        void noContentHasNoBodyAndKeepsTheConnection() throws Exception {
            RawHttpServer server = serve(Reply.raw("HTTP/1.1 204 No Content\r\n\r\n"), Reply.ok("next"));

            String first = assertTimeoutPreemptively(PROMPTLY, () -> exchange(server));

            assertThat(first).isEmpty();
            assertThat(exchange(server)).isEqualTo("next");
            assertThat(server.accepted()).isEqualTo(1);
        }

        @Test
        void aContentLengthRepeatedWithTheSameValueIsAccepted() throws Exception {
            RawHttpServer server = serve(Reply.raw("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n"
                    + "hello"), Reply.ok("next"));

            assertThat(exchange(server)).isEqualTo("hello");
            assertThat(exchange(server)).isEqualTo("next");
            assertThat(server.accepted()).isEqualTo(1);
        }

        @Test
        void connectionCloseResponseIsNotPooledEvenWhenTheServerKeepsItOpen() throws Exception {
            RawHttpServer server = serve(Reply.raw(response("200 OK", "bye", "Connection: close")),
                    Reply.ok("next"));

            assertThat(exchange(server)).isEqualTo("bye");
            assertThat(exchange(server)).isEqualTo("next");
            assertThat(server.accepted()).isEqualTo(2);
        }

        @Test
        void http10ResponseIsNotPooled() throws Exception {
            RawHttpServer server = serve(Reply.raw("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nold"),
                    Reply.ok("next"));

            assertThat(exchange(server)).isEqualTo("old");
            assertThat(exchange(server)).isEqualTo("next");
            assertThat(server.accepted()).isEqualTo(2);
        }
    }

    @Nested
    class ErrorStatus {
        private static final String RATE_LIMITED = "{\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}";

        @Test
        void tooManyRequestsCarriesStatusBodyAndRetryAfterFromOpen() {
            RawHttpServer server = serve(Reply.raw(response("429 Too Many Requests", RATE_LIMITED,
                    "Content-Type: application/json", "Retry-After: 7")));

            assertThatThrownBy(() -> open(server, new Cancellation()))
                    .isInstanceOfSatisfying(ProviderHttpException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.body()).isEqualTo(RATE_LIMITED);
                        assertThat(e.header("retry-after")).isEqualTo("7");
                        assertThat(e.header("RETRY-AFTER")).isEqualTo("7");
                        assertThat(e.header("x-absent")).isNull();
                    });
        }

        @Test
        void tooManyRequestsCarriesStatusBodyAndRetryAfterFromExchange() {
            RawHttpServer server = serve(Reply.raw(response("429 Too Many Requests", RATE_LIMITED,
                    "retry-after: 12")));

            assertThatThrownBy(() -> exchange(server))
                    .isInstanceOfSatisfying(ProviderHttpException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.body()).isEqualTo(RATE_LIMITED);
                        assertThat(e.header("Retry-After")).isEqualTo("12");
                    });
        }

        @Test
        void anEndlessErrorBodyIsCutAtOneMebibyte() {
            RawHttpServer server = serve(Reply.endless(
                    "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n", "x".repeat(8192)));

            Throwable thrown = assertTimeoutPreemptively(PROMPTLY,
                    () -> catchFailure(() -> open(server, new Cancellation())));

            assertThat(thrown).isInstanceOfSatisfying(ProviderHttpException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(500);
                assertThat(e.body()).hasSize(1 << 20);
            });
        }
    }

    @Nested
    class HostileResponses {
        private void assertFails(RawHttpServer server, String problem) {
            Throwable thrown = assertTimeoutPreemptively(PROMPTLY, () -> catchFailure(() -> exchange(server)));
            assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(ProviderHttpException.class)
                    .hasMessageContaining(problem);
        }

        @Test
        void statusLineThatIsNotHttpFails() {
            assertFails(serve(Reply.raw("SSH-2.0-OpenSSH_9.6\r\n\r\n")), "Not an HTTP/1.x response: SSH-2.0");
        }

        @Test
        void headerLineLongerThan16KibFailsWithoutWaitingForItsEnd() {
            assertFails(serve(Reply.endless("HTTP/1.1 200 OK\r\nX-Big: ", "a".repeat(1024))),
                    "Response line too long");
        }

        @Test
        void statusLineLongerThan16KibFails() {
            assertFails(serve(Reply.raw("HTTP/1.1 200 " + "O".repeat(17 * 1024) + "\r\n\r\n")),
                    "Response line too long");
        }

        @Test
        void moreThan512HeadersFailWithoutWaitingForTheirEnd() {
            assertFails(serve(Reply.endless("HTTP/1.1 200 OK\r\n", "X-Header: value\r\n")),
                    "Response headers too large");
        }

        @ParameterizedTest
        @ValueSource(strings = {"-1", "12abc", "", "0x10", "99999999999999999999"})
        void invalidContentLengthFails(String length) {
            assertFails(serve(Reply.raw("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\nbody")),
                    "Invalid Content-Length");
        }

        @ParameterizedTest
        @ValueSource(strings = {"zz", "-5", "", "fffffffffffffffffff"})
        void garbledChunkSizeFails(String size) {
            assertFails(serve(Reply.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + size + "\r\nhello\r\n0\r\n\r\n")), "Malformed chunk size");
        }

        @Test
        void conflictingContentLengthsFail() {
            assertFails(serve(Reply.raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 11\r\n\r\n"
                    + "hello world")), "Invalid Content-Length");
        }

        @Test
        void anEndlessRunOfInterimResponsesFails() {
            assertFails(serve(Reply.endless("", "HTTP/1.1 100 Continue\r\n\r\n")), "interim responses");
        }

        @Test
        void chunkWithoutItsLineEndFails() {
            assertFails(serve(Reply.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhelloXX\r\n0\r\n\r\n")), "Malformed chunk end");
        }
    }

    @Nested
    class Tls {
        @Test
        void httpsWorksWithATrustedCertificateNamingTheHost() throws Exception {
            TlsTestServer server = closing(TlsTestServer.start(localhost, "llm"));
            useTransport(new HttpTransport(null, localhost.clientContext()));

            String body = transport.exchange(post(https(server.port()), "{\"q\":1}"));

            assertThat(body).isEqualTo("hello from llm\n");
            assertThat(server.received()).containsExactly("POST " + PATH + " HTTP/1.1\n{\"q\":1}");
        }

        @Test
        void aTrustedCertificateThatDoesNotNameTheHostIsRejected() {
            TlsTestServer server = closing(TlsTestServer.start(otherHost, "impostor"));
            useTransport(new HttpTransport(null, otherHost.clientContext()));

            assertThatThrownBy(() -> transport.exchange(post(https(server.port()), "{}")))
                    .isInstanceOf(SSLException.class);
            assertThat(server.received()).isEmpty();
        }

        @Test
        void theDefaultTrustStoreRejectsASelfSignedCertificate() {
            TlsTestServer server = closing(TlsTestServer.start(localhost, "self-signed"));

            assertThatThrownBy(() -> transport.exchange(post(https(server.port()), "{}")))
                    .isInstanceOf(SSLException.class);
            assertThat(server.received()).isEmpty();
        }
    }

    @Nested
    class Proxy {
        @Test
        void httpsGoesThroughAConnectTunnelWithTlsVerifiedEndToEnd() throws Exception {
            TlsTestServer server = closing(TlsTestServer.start(localhost, "llm"));
            TunnelProxy proxy = closing(TunnelProxy.start());
            useTransport(new HttpTransport(proxy.url(), localhost.clientContext()));

            String body = transport.exchange(post(https(server.port()), "{}"));

            assertThat(body).isEqualTo("hello from llm\n");
            String authority = "localhost:" + server.port();
            assertThat(proxy.heads()).singleElement()
                    .isEqualTo(List.of("CONNECT " + authority + " HTTP/1.1", "Host: " + authority));
            assertThat(server.received()).containsExactly("POST " + PATH + " HTTP/1.1\n{}");
        }

        @Test
        void theTunnelDoesNotExemptTheOriginFromHostNameVerification() {
            TlsTestServer server = closing(TlsTestServer.start(otherHost, "impostor"));
            TunnelProxy proxy = closing(TunnelProxy.start());
            useTransport(new HttpTransport(proxy.url(), otherHost.clientContext()));

            assertThatThrownBy(() -> transport.exchange(post(https(server.port()), "{}")))
                    .isInstanceOf(SSLException.class);
            assertThat(proxy.heads()).singleElement().satisfies(head ->
                    assertThat(head.getFirst()).isEqualTo("CONNECT localhost:" + server.port() + " HTTP/1.1"));
            assertThat(server.received()).isEmpty();
        }

        @Test
        void plainHttpIsSentToTheProxyInAbsoluteForm() throws Exception {
            TunnelProxy proxy = closing(TunnelProxy.start());
            useTransport(new HttpTransport(proxy.url()));

            // The origin's name does not resolve: only the proxy can have answered.
            String body = transport.exchange(post(URI.create("http://llm.invalid:8080/v1/chat?stream=true"), "{}"));

            assertThat(body).isEqualTo(TunnelProxy.ANSWER);
            assertThat(proxy.heads()).singleElement().satisfies(head -> {
                assertThat(head.getFirst()).isEqualTo("POST http://llm.invalid:8080/v1/chat?stream=true HTTP/1.1");
                assertThat(head).contains("Host: llm.invalid:8080");
            });
        }

        @Test
        void aProxyRefusingConnectFailsNamingTheStatus() {
            TunnelProxy proxy = closing(TunnelProxy.refusing(403));
            useTransport(new HttpTransport(proxy.url(), localhost.clientContext()));

            assertThatThrownBy(() -> transport.exchange(post(https(443), "{}")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("CONNECT localhost:443")
                    .hasMessageContaining("403");
        }
    }

    @Nested
    class Cancelling {
        @Test
        void cancellingFromAnotherThreadEndsTheWaitForAResponse() throws Exception {
            RawHttpServer server = serve(Reply.silent());
            Cancellation cancellation = new Cancellation();
            Background<InputStream> opening = Background.start(() -> open(server, cancellation));
            await().atMost(PROMPTLY).until(() -> server.requests().size() == 1);

            cancellation.cancel();

            assertThat(opening.failure()).isInstanceOf(InterruptedException.class);
        }

        @Test
        void cancellingWhileTheBodyIsReadEndsTheRead() throws Exception {
            RawHttpServer server = serve(
                    Reply.raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst").thenStall());
            Cancellation cancellation = new Cancellation();
            InputStream body = open(server, cancellation);
            assertThat(body.readNBytes(5)).asString(StandardCharsets.UTF_8).isEqualTo("first");
            Background<byte[]> reading = Background.start(body::readAllBytes);
            reading.awaitBlocked();

            cancellation.cancel();

            assertThat(reading.failure()).isInstanceOf(IOException.class);
        }

        @Test
        void cancellingEndsATlsHandshakeThatNeverCompletes() throws Exception {
            ServerSocket silent = mute();
            useTransport(new HttpTransport(null, localhost.clientContext()));
            Cancellation cancellation = new Cancellation();
            Background<InputStream> opening = Background.start(
                    () -> transport.open(post(https(silent.getLocalPort()), "{}"), cancellation));
            opening.awaitBlocked();

            cancellation.cancel();

            assertThat(opening.failure()).isInstanceOf(InterruptedException.class);
        }

        @Test
        void cancellingEndsTheWaitForAProxyThatNeverAnswersConnect() throws Exception {
            ServerSocket silent = mute();
            useTransport(new HttpTransport("http://127.0.0.1:" + silent.getLocalPort(), localhost.clientContext()));
            Cancellation cancellation = new Cancellation();
            Background<InputStream> opening = Background.start(
                    () -> transport.open(post(https(443), "{}"), cancellation));
            opening.awaitBlocked();

            cancellation.cancel();

            assertThat(opening.failure()).isInstanceOf(InterruptedException.class);
        }

        @Test
        void cancellingAGenerationAfterItsResponseWasReadLeavesTheConnectionToTheNextExchange() throws Exception {
            CountDownLatch rest = new CountDownLatch(1);
            RawHttpServer server = serve(Reply.ok("first"), new Reply(out -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsec".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                awaitQuietly(rest);
                out.write("ond".getBytes(StandardCharsets.ISO_8859_1));
            }, RawHttpServer.After.KEEP_OPEN));
            Cancellation finished = new Cancellation();
            assertThat(readAll(open(server, finished))).isEqualTo("first");
            InputStream next = open(server, new Cancellation());
            assertThat(next.readNBytes(3)).asString(StandardCharsets.UTF_8).isEqualTo("sec");

            // As a generation deadline firing just as its response completed does.
            finished.cancel();
            rest.countDown();

            assertThat(readAll(next)).isEqualTo("ond");
            assertThat(server.accepted()).isEqualTo(1);
        }

        @Test
        void aCancelledGenerationSendsNothing() {
            RawHttpServer server = serve(Reply.ok("never"));
            Cancellation cancellation = new Cancellation();
            cancellation.cancel();

            assertThatThrownBy(() -> open(server, cancellation)).isInstanceOf(InterruptedException.class);
            assertThat(server.accepted()).isZero();
        }
    }

    @Nested
    class Requests {
        @ParameterizedTest
        @ValueSource(strings = {"a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000b"})
        void aHeaderValueWithALineBreakOrNulIsRejected(String value) {
            assertThatThrownBy(() -> ProviderRequest.post(URI.create("https://llm.example/v1"),
                    Map.of("X-Api-Key", value), new byte[0])).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aHeaderNameWithALineBreakIsRejected() {
            assertThatThrownBy(() -> ProviderRequest.post(URI.create("https://llm.example/v1"),
                    Map.of("X-Key\r\nX-Injected", "1"), new byte[0])).isInstanceOf(IllegalArgumentException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"ftp://llm.example/v1", "file:///etc/passwd", "mailto:ops@llm.example",
                "jar:file:/x.jar!/y"})
        void aUriThatIsNotHttpOrHttpsIsRejected(String uri) {
            assertThatThrownBy(() -> ProviderRequest.post(URI.create(uri), Map.of(), new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void theTransportsOwnFramingHeadersReplaceTheCallers() throws Exception {
            RawHttpServer server = serve(Reply.ok("one"), Reply.ok("two"));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Host", "evil.example");
            headers.put("Content-Length", "999");
            headers.put("Transfer-Encoding", "chunked");
            headers.put("Connection", "close");
            headers.put("X-Api-Key", "key");
            byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

            assertThat(transport.exchange(ProviderRequest.post(server.uri(PATH + "?beta=1"), headers, body)))
                    .isEqualTo("one");
            assertThat(exchange(server)).isEqualTo("two");

            RawHttpServer.Request seen = server.requests().getFirst();
            assertThat(seen.line()).isEqualTo("POST " + PATH + "?beta=1 HTTP/1.1");
            assertThat(seen.header("Host")).containsExactly("127.0.0.1:" + server.port());
            assertThat(seen.header("Content-Length")).containsExactly("7");
            assertThat(seen.header("Transfer-Encoding")).isEmpty();
            assertThat(seen.header("Connection")).isEmpty();
            assertThat(seen.header("X-Api-Key")).containsExactly("key");
            assertThat(seen.bodyText()).isEqualTo("{\"a\":1}");
            // The caller's "Connection: close" was not sent, so the connection carried the next exchange.
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    @Nested
    class Timeouts {
        @Test
        void exchangeTimesOutWhenTheServerStaysSilent() {
            RawHttpServer server = serve(Reply.silent());
            useTransport(new HttpTransport(null, null, 1_000, 300));

            Throwable thrown = assertTimeoutPreemptively(PROMPTLY, () -> catchFailure(() -> exchange(server)));

            assertThat(thrown).isInstanceOf(SocketTimeoutException.class);
            assertThat(server.requests()).hasSize(1);
        }

        @Test
        void exchangeTimesOutWhenTheTlsHandshakeNeverCompletes() throws IOException {
            ServerSocket silent = mute();
            useTransport(new HttpTransport(null, localhost.clientContext(), 300, 300));

            Throwable thrown = assertTimeoutPreemptively(PROMPTLY,
                    () -> catchFailure(() -> transport.exchange(post(https(silent.getLocalPort()), "{}"))));

            assertThat(thrown).isInstanceOf(SocketTimeoutException.class);
        }
    }

    /** A TCP listener that never accepts: connections complete in its backlog, and then nothing is ever said. */
    private ServerSocket mute() throws IOException {
        return closing(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }
}
