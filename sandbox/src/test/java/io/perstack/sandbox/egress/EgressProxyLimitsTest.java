package io.perstack.sandbox.egress;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The proxy's bounds on connections and what it records when it refuses (docs/isolation.md §5.4, §5.5). */
class EgressProxyLimitsTest {
    @TempDir
    Path dir;

    private final List<EventPayload.ProxyAccess> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final RecordingResolver resolver = new RecordingResolver();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private ServerSocket upstream;
    private EgressProxy proxy;

    @BeforeEach
    void start() throws IOException {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::echo);
        resolver.answer("api.example.test", new InetSocketAddress(InetAddress.getLoopbackAddress(),
                upstream.getLocalPort()));
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void stop() throws IOException {
        root().detachAppender(logs);
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static final int PENDING_PER_SANDBOX = 8;

    private void open() {
        open(new EgressProxy.Limits(4, 2, 12, PENDING_PER_SANDBOX, Duration.ofMillis(300)));
    }

    private void open(EgressProxy.Limits limits) {
        EgressPolicy policy = new EgressPolicy(List.of("api.example.test"), List.of(Cidr.parse("127.0.0.0/8")));
        proxy = EgressProxy.start(new EgressProxy.Options(policy, resolver::resolve, events::add, warnings::add,
                limits));
    }

    private void echo() {
        while (!upstream.isClosed()) {
            try {
                Socket s = upstream.accept();
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

    /** A client connection to a proxy socket, as the in-sandbox forwarder makes it. */
    private static final class Client implements AutoCloseable {
        final SocketChannel channel;
        final BufferedReader in;
        final OutputStream out;

        Client(Path socket) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.ISO_8859_1));
            out = Channels.newOutputStream(channel);
        }

        /** Sends raw bytes and returns the status code of the answer, skipping the rest of it. */
        int send(String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = in.readLine();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // the answer's headers carry nothing these tests look at
            }
            return Integer.parseInt(status.split(" ")[1]);
        }

        int connect(String authority) throws IOException {
            return send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
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

    private static int tunnelAndExchange(Path socket) throws IOException {
        try (Client c = new Client(socket)) {
            int status = c.connect("api.example.test:443");
            if (status == 200) {
                assertThat(c.exchange("ping")).isEqualTo("pong:ping");
            }
            return status;
        }
    }

    private static long openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Starts a {@link FloodClient} process against {@code socket} and waits until its connections are made. */
    private static Process flood(Path socket, int connections) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), FloodClient.class.getName(), socket.toString(),
                Integer.toString(connections)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(process.getInputStream())).readLine();
        assertThat(line).isEqualTo("connected " + connections);
        return process;
    }

    private static void end(Process process) throws Exception {
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private List<String> proxyLogLines() {
        synchronized (logs.list) {
            return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        }
    }

    @Test
    void aFloodOfConnectionsIsRefusedWithoutExhaustingDescriptors() throws Exception {
        open();
        Path exec = dir.resolve("exec.sock");
        Path skill = dir.resolve("skill.sock");
        proxy.listen("exec", exec);
        proxy.listen("skill-a", skill);
        assertThat(tunnelAndExchange(exec)).isEqualTo(200);
        long before = openDescriptors();

        Process flood = flood(exec, 2_000);
        try {
            // The proxy has seen every connection once the first summary is out; the count must stay low after.
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !warnings.isEmpty()
                    || openDescriptors() - before >= 64);
            Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(openDescriptors() - before)
                            .as("descriptors the flood costs the runtime").isLessThan(64));
            // another sandbox of the job is served while the flood holds its connections
            assertThat(tunnelAndExchange(skill)).isEqualTo(200);
        } finally {
            end(flood);
        }
        // and so is the flooding sandbox once its connections are gone
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tunnelAndExchange(exec) == 200);

        // Every flood connection beyond the sandbox's pending cap was refused, and said so in a line or two.
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> refusedInWarnings() >= 2_000 - PENDING_PER_SANDBOX);
        assertThat(refusedInWarnings()).isLessThanOrEqualTo(2_000);
        assertThat(warnings).hasSizeLessThanOrEqualTo(3).allSatisfy(w -> assertThat(w)
                .matches("egress proxy: refused \\d+ connections? from exec in the last (second|\\d+ seconds) "
                        + "\\(too many pending connections\\)"));
        assertThat(proxyLogLines()).isEmpty();
        List<EventPayload.ProxyAccess> refusals = events.stream()
                .filter(e -> "too many pending connections".equals(e.reason())).toList();
        assertThat(refusals).isNotEmpty().hasSizeLessThanOrEqualTo(3).allSatisfy(e -> {
            assertThat(e.action()).isEqualTo("blocked");
            assertThat(e.skillName()).isEqualTo("exec");
        });
    }

    private long refusedInWarnings() {
        synchronized (warnings) {
            return warnings.stream().mapToLong(w -> Long.parseLong(w.split(" ")[3])).sum();
        }
    }

    @Test
    void oneSandboxCannotTakeAllOfTheJobsTunnels() throws Exception {
        open(new EgressProxy.Limits(3, 2, 12, 8, Duration.ofMillis(300)));
        Path exec = dir.resolve("exec.sock");
        Path skill = dir.resolve("skill.sock");
        proxy.listen("exec", exec);
        proxy.listen("skill-a", skill);

        try (Client first = new Client(exec); Client second = new Client(exec)) {
            assertThat(first.connect("api.example.test:443")).isEqualTo(200);
            assertThat(second.connect("api.example.test:443")).isEqualTo(200);
            // the sandbox's own cap: it waits, then 503, though the job has a tunnel left
            assertThat(tunnelAndExchange(exec)).isEqualTo(503);
            try (Client third = new Client(skill)) {
                assertThat(third.connect("api.example.test:443")).isEqualTo(200);
                // now the job's cap
                assertThat(tunnelAndExchange(skill)).isEqualTo(503);
                first.close();
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tunnelAndExchange(skill) == 200);
            }
        }
        assertThat(events).filteredOn(e -> PolicyConnectHandler.TOO_MANY_TUNNELS.equals(e.reason()))
                .extracting(EventPayload.ProxyAccess::skillName).startsWith("exec", "skill-a")
                .allSatisfy(name -> assertThat(name).isIn("exec", "skill-a"));
        assertThat(events).filteredOn(e -> PolicyConnectHandler.TOO_MANY_TUNNELS.equals(e.reason()))
                .allSatisfy(e -> {
                    assertThat(e.action()).isEqualTo("blocked");
                    assertThat(e.domain()).isEqualTo("api.example.test");
                    assertThat(e.port()).isEqualTo(443);
                });
    }

    /** Raw connections that send nothing, held open; returns them once the proxy has had time to accept them. */
    private static List<SocketChannel> idle(Path socket, int count) throws Exception {
        List<SocketChannel> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            held.add(channel);
        }
        Thread.sleep(300);
        for (SocketChannel channel : held) {
            channel.configureBlocking(false);
            assertThat(channel.read(ByteBuffer.allocate(1))).as("still open").isZero();
        }
        return held;
    }

    /** Whether the proxy closes a fresh raw connection within two seconds without a byte sent. */
    private static boolean closedByProxy(Path socket) throws Exception {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                if (channel.read(ByteBuffer.allocate(1)) < 0) {
                    return true;
                }
                Thread.sleep(10);
            }
            return false;
        }
    }

    @Test
    void thePendingCapOfTheJobHoldsAcrossItsSandboxes() throws Exception {
        open(new EgressProxy.Limits(4, 2, 12, 8, Duration.ofMillis(300)));
        Path exec = dir.resolve("exec.sock");
        Path skillA = dir.resolve("a.sock");
        Path skillB = dir.resolve("b.sock");
        proxy.listen("exec", exec);
        proxy.listen("skill-a", skillA);
        proxy.listen("skill-b", skillB);

        List<SocketChannel> execHeld = idle(exec, 8);
        assertThat(closedByProxy(exec)).as("beyond the sandbox's own cap").isTrue();
        List<SocketChannel> aHeld = idle(skillA, 4);
        assertThat(closedByProxy(skillB)).as("beyond the job's cap").isTrue();

        for (SocketChannel channel : execHeld) {
            channel.close();
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tunnelAndExchange(skillB) == 200);
        for (SocketChannel channel : aHeld) {
            channel.close();
        }

        assertThat(events).filteredOn(e -> Origin.TOO_MANY_PENDING.equals(e.reason()))
                .containsExactly(new EventPayload.ProxyAccess("blocked", "", 0, Origin.TOO_MANY_PENDING, "exec"),
                        new EventPayload.ProxyAccess("blocked", "", 0, Origin.TOO_MANY_PENDING, "skill-b"));
    }

    @Test
    void clientsThatVanishAtAnyPointLeaveNoStackTraces() throws Exception {
        open(new EgressProxy.Limits(4, 1, 12, 8, Duration.ofSeconds(2)));
        Path socket = dir.resolve("exec.sock");
        proxy.listen("exec", socket);

        try (Client tunnel = new Client(socket)) {
            assertThat(tunnel.connect("api.example.test:443")).isEqualTo(200);
            // half a request line, then gone
            try (Client c = new Client(socket)) {
                c.out.write("CONNECT api.exa".getBytes(StandardCharsets.ISO_8859_1));
                c.out.flush();
            }
            // gone while waiting for a tunnel (the sandbox's only one is taken)
            try (Client c = new Client(socket)) {
                c.out.write("CONNECT api.example.test:443 HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                c.out.flush();
                Thread.sleep(200);
            }
            // gone after a refusal it never read, and after a parser rejection
            try (Client c = new Client(socket)) {
                c.out.write("CONNECT attacker.test:443 HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            try (Client c = new Client(socket)) {
                c.out.write(("GET / HTTP/1.1\r\nX: " + "a".repeat(20 * 1024) + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            // gone in the middle of a tunnel
            tunnel.out.write("half a line".getBytes(StandardCharsets.UTF_8));
            tunnel.out.flush();
        }
        // the waiting CONNECT gives up after the wait; the sandbox is served again after that
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tunnelAndExchange(socket) == 200);

        assertThat(proxyLogLines()).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void acceptFailuresWhenDescriptorsRunOutAreOneLineNotAStackTraceEach() throws Exception {
        Path socket = dir.resolve("pressed.sock");
        String java = ProcessHandle.current().info().command().orElse("java");
        // A descriptor limit the flood exceeds within a few hundred connections; the JVM itself needs about 60.
        Process pressed = new ProcessBuilder("/bin/sh", "-c", "ulimit -n 256 && exec \"$0\" \"$@\"", java,
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ProxyUnderPressure.class.getName(), socket.toString()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(pressed.getInputStream()));
        assertThat(out.readLine()).isEqualTo("ready");
        // stderr is read on the side so a chatty proxy could never block on a full pipe
        StringBuilder stderr = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                stderr.append(new String(pressed.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the process is gone
            }
        });

        List<SocketChannel> flood = Collections.synchronizedList(new ArrayList<>());
        // Blocking connects: once the proxy cannot accept and its backlog is full, the next one waits, as a
        // sandboxed client would; closing the channels below ends that wait.
        // A platform thread: on a virtual one the JDK connects non-blocking, and a full backlog fails at once.
        Thread flooder = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 0; i < 1_000; i++) {
                    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                    flood.add(channel);
                    channel.connect(UnixDomainSocketAddress.of(socket));
                }
            } catch (IOException e) {
                // closed by the test while waiting
            }
        });
        try {
            // long enough for the first one-second window to close and print its line
            Thread.sleep(2_000);
        } finally {
            synchronized (flood) {
                for (SocketChannel channel : flood) {
                    channel.close();
                }
            }
            flooder.join();
        }
        // with the flood gone the proxy has descriptors again and serves (and refuses) as before
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Client c = new Client(socket)) {
                return c.connect("attacker.test:443") == 403;
            }
        });
        pressed.getOutputStream().close();
        assertThat(pressed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join();

        List<String> lines = stderr.toString().lines().toList();
        assertThat(lines).as(stderr.toString()).isNotEmpty().hasSizeLessThanOrEqualTo(5)
                .noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "))
                .anyMatch(l -> l.startsWith("egress proxy: could not accept connections from exec, ")
                        && l.endsWith("(Too many open files)"));
    }

    @Test
    void requestsTheParserRejectsAreRecordedWithTheirSandbox() throws Exception {
        open();
        Path socket = dir.resolve("exec.sock");
        proxy.listen("exec", socket);

        try (Client c = new Client(socket)) {
            assertThat(c.send("CONNECT api.example.test:443 HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(20 * 1024)
                    + "\r\n\r\n")).isEqualTo(431);
        }
        try (Client c = new Client(socket)) {
            assertThat(c.send("\u0001\u0002 garbage\r\n\r\n")).isEqualTo(400);
        }
        try (Client c = new Client(socket)) {
            assertThat(c.send("CONNECT /" + "a".repeat(20 * 1024) + " HTTP/1.1\r\n\r\n")).isEqualTo(414);
        }

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 3);
        assertThat(events).containsExactly(
                new EventPayload.ProxyAccess("blocked", "api.example.test", 443, "request header too large", "exec"),
                new EventPayload.ProxyAccess("blocked", "", 0, "malformed request", "exec"),
                new EventPayload.ProxyAccess("blocked", "", 0, "URI too long", "exec"));
        assertThat(proxyLogLines()).isEmpty();
    }
}
