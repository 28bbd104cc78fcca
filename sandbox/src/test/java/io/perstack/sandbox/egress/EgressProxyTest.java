package io.perstack.sandbox.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.event.EventPayload;
import io.perstack.testkit.net.RecordingResolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The egress proxy over real Unix and TCP sockets (docs/isolation.md §5, SR-07, SR-08, SR-38, SR-39; AT-24, AT-27). */
class EgressProxyTest {
    @TempDir
    Path dir;

    private final List<EventPayload.ProxyAccess> events = Collections.synchronizedList(new ArrayList<>());
    private final RecordingResolver resolver = new RecordingResolver();
    private ServerSocket upstream;
    private final AtomicInteger upstreamConnections = new AtomicInteger();
    private EgressProxy proxy;
    private Path socket;

    @BeforeEach
    void start() throws IOException {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::echo);
        resolver.answer("api.example.test", new InetSocketAddress(InetAddress.getLoopbackAddress(),
                upstream.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private void open(List<Cidr> exemptions, int maxTunnels) throws IOException {
        EgressPolicy policy = new EgressPolicy(List.of("api.example.test", "*.rebind.test"), exemptions);
        proxy = EgressProxy.start(new EgressProxy.Options(policy, resolver::resolve, events::add, null,
                new EgressProxy.Limits(maxTunnels, maxTunnels, 64, 64, Duration.ofMillis(300))));
        socket = dir.resolve("egress.sock");
        proxy.listen("skill-a", socket);
    }

    private void echo() {
        while (!upstream.isClosed()) {
            try {
                Socket s = upstream.accept();
                upstreamConnections.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        String line = new BufferedReader(new InputStreamReader(s.getInputStream())).readLine();
                        s.getOutputStream().write(("pong:" + line + "\n").getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        // client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    /** A client connection to the proxy socket, as the in-sandbox forwarder makes it. */
    private final class Client implements AutoCloseable {
        final SocketChannel channel;
        final BufferedReader in;
        final OutputStream out;

        Client() throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.ISO_8859_1));
            out = Channels.newOutputStream(channel);
        }

        /** Sends a request head and returns the status code of the answer, skipping its headers. */
        int request(String head) throws IOException {
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = in.readLine();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // the answer's headers carry nothing these tests look at
            }
            return Integer.parseInt(status.split(" ")[1]);
        }

        String exchange(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private int connect(String authority) throws IOException {
        try (Client c = new Client()) {
            return c.request("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority);
        }
    }

    @Test
    void anAllowedNameIsTunnelledToTheAddressThatWasCheckedAfterExactlyOneLookup() throws Exception {
        open(List.of(Cidr.parse("127.0.0.0/8")), 64);
        try (Client c = new Client()) {
            assertThat(c.request("CONNECT api.example.test:443 HTTP/1.1\r\nHost: api.example.test:443"))
                    .isEqualTo(200);
            assertThat(c.exchange("ping")).isEqualTo("pong:ping");
        }

        assertThat(resolver.queries()).containsExactly("api.example.test");
        assertThat(events).containsExactly(new EventPayload.ProxyAccess("allowed", "api.example.test", 443,
                EgressPolicy.TEST_OVERRIDE, "skill-a"));
    }

    @Test
    void anAllowlistedNameResolvingToAPrivateAddressIsRefused() throws Exception {
        open(List.of(), 64);
        resolver.answer("a.rebind.test", "127.0.0.1").answer("b.rebind.test", "10.0.0.1")
                .answer("c.rebind.test", "169.254.169.254").answer("d.rebind.test", "fd00::1")
                .answer("e.rebind.test", "93.184.216.34", "192.168.0.10");

        for (String name : List.of("a", "b", "c", "d", "e")) {
            assertThat(connect(name + ".rebind.test:443")).as(name).isEqualTo(403);
        }
        // without the exemption the loopback test upstream is a private address too
        assertThat(connect("api.example.test:443")).isEqualTo(403);

        assertThat(upstreamConnections).hasValue(0);
        assertThat(events).hasSize(6).allSatisfy(e -> {
            assertThat(e.action()).isEqualTo("blocked");
            assertThat(e.reason()).isEqualTo(EgressPolicy.ADDRESS_NOT_ALLOWED);
            assertThat(e.skillName()).isEqualTo("skill-a");
        });
    }

    @Test
    void deniedTargetsAreRefusedWithTheirReasonAndNeverResolved() throws Exception {
        open(List.of(Cidr.parse("127.0.0.0/8")), 64);

        assertThat(connect("attacker.test:443")).isEqualTo(403);
        assertThat(connect("api.example.test:8443")).isEqualTo(403);
        assertThat(connect("2130706433:443")).isEqualTo(403);
        assertThat(connect("[::1]:443")).isEqualTo(403);
        assertThat(connect("xn--pple-43d.example.test:443")).isEqualTo(403);
        assertThat(connect("rebind.test:443")).isEqualTo(403);

        assertThat(resolver.queries()).isEmpty();
        assertThat(upstreamConnections).hasValue(0);
        assertThat(events.stream().map(e -> e.domain() + ":" + e.port() + " " + e.reason()).toList())
                .containsExactly("attacker.test:443 " + EgressPolicy.NOT_IN_ALLOWLIST,
                        "api.example.test:8443 " + EgressPolicy.PORT_NOT_ALLOWED,
                        "2130706433:443 " + EgressPolicy.IP_LITERAL,
                        "[::1]:443 " + EgressPolicy.IP_LITERAL,
                        "xn--pple-43d.example.test:443 " + EgressPolicy.NON_ASCII,
                        "rebind.test:443 " + EgressPolicy.NOT_IN_ALLOWLIST);
    }

    @Test
    void aHostHeaderDisagreeingWithTheTargetStillGetsAPolicyDecision() throws Exception {
        open(List.of(Cidr.parse("127.0.0.0/8")), 64);

        assertThat(connect0("CONNECT attacker.test:443 HTTP/1.1\r\nHost: api.example.test:443")).isEqualTo(403);

        assertThat(events).containsExactly(new EventPayload.ProxyAccess("blocked", "attacker.test", 443,
                EgressPolicy.NOT_IN_ALLOWLIST, "skill-a"));
    }

    private int connect0(String head) throws IOException {
        try (Client c = new Client()) {
            return c.request(head);
        }
    }

    @Test
    void plainHttpThroughTheProxyIsRefused() throws Exception {
        open(List.of(Cidr.parse("127.0.0.0/8")), 64);
        try (Client c = new Client()) {
            assertThat(c.request("GET http://api.example.test/data HTTP/1.1\r\nHost: api.example.test"))
                    .isEqualTo(403);
        }
        try (Client c = new Client()) {
            assertThat(c.request("POST http://api.example.test:443/ HTTP/1.1\r\nHost: api.example.test\r\n"
                    + "Content-Length: 0")).isEqualTo(403);
        }

        assertThat(upstreamConnections).hasValue(0);
        assertThat(events).containsExactly(
                new EventPayload.ProxyAccess("blocked", "api.example.test", 80, EgressPolicy.PLAIN_HTTP, "skill-a"),
                new EventPayload.ProxyAccess("blocked", "api.example.test", 443, EgressPolicy.PLAIN_HTTP,
                        "skill-a"));
    }

    @Test
    void tunnelsBeyondTheLimitWaitThenGet503AndAClosedTunnelFreesItsSlot() throws Exception {
        open(List.of(Cidr.parse("127.0.0.0/8")), 2);
        try (Client first = new Client(); Client second = new Client()) {
            assertThat(first.request("CONNECT api.example.test:443 HTTP/1.1\r\nHost: x")).isEqualTo(200);
            assertThat(second.request("CONNECT api.example.test:443 HTTP/1.1\r\nHost: x")).isEqualTo(200);

            assertThat(connect("api.example.test:443")).isEqualTo(503);

            first.close();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> connectAndExchange() == 200);
        }
        assertThat(events.stream().filter(e -> PolicyConnectHandler.TOO_MANY_TUNNELS.equals(e.reason())))
                .isNotEmpty();
    }

    private int connectAndExchange() throws IOException {
        try (Client c = new Client()) {
            int status = c.request("CONNECT api.example.test:443 HTTP/1.1\r\nHost: x");
            if (status == 200) {
                assertThat(c.exchange("again")).isEqualTo("pong:again");
            }
            return status;
        }
    }

    @Test
    void requestHeadersAreLimitedTo16KiB() throws Exception {
        open(List.of(Cidr.parse("127.0.0.0/8")), 64);
        try (Client c = new Client()) {
            int status = c.request("CONNECT api.example.test:443 HTTP/1.1\r\nHost: x\r\nX-Pad: "
                    + "a".repeat(17 * 1024));
            assertThat(status).isEqualTo(431);
        }
        assertThat(upstreamConnections).hasValue(0);
    }

    @Test
    void theSocketIsOwnerOnlyAndClosingTheListenerRemovesIt() throws Exception {
        open(List.of(), 64);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");

        EgressProxy.Listener second = proxy.listen("exec", dir.resolve("second.sock"));
        second.close();

        assertThat(dir.resolve("second.sock")).doesNotExist();
        assertThat(connect("attacker.test:443")).isEqualTo(403);
    }
}
