package io.perstack.sandbox.bwrap;

import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.LaunchedProcess;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.sandbox.egress.Cidr;
import io.perstack.sandbox.egress.EgressPolicy;
import io.perstack.sandbox.egress.EgressProxy;
import io.perstack.sandbox.local.LocalLauncher;
import io.perstack.testkit.net.RecordingResolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures what bench/sandbox-exec.sh reports: launch-to-exit time of {@code /bin/true} through the sandbox and the
 * local launcher, and the time from sending CONNECT to reading {@code 200} through the egress proxy compared with a
 * direct TCP connect to the same upstream. Not a test: numbers are printed, nothing is asserted.
 */
public final class SandboxBench {
    private SandboxBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path ws = Files.createTempDirectory("perstack-bench-ws");
        Map<String, String> env = Sandbox.environment(Map.of("PATH", "/usr/bin:/bin"), List.of()).forExec(Map.of())
                .environment();
        boolean rlimits = args.length > 1 && args[1].equals("rlimits");
        SandboxSettings settings = new SandboxSettings("bench", ws, List.of(), List.of(), List.of(), null,
                List.of(), null, w -> System.err.println(w), "/usr/bin:/bin");
        try (Sandbox sandbox = rlimits ? Sandbox.prepare(settings, name -> new ResourceLimits.Rlimits())
                : Sandbox.prepare(settings)) {
            System.out.println("limits: " + sandbox.limits().describe());
            List<Double> sandboxed = launches(sandbox.launcher("exec"), ws, env, runs);
            List<Double> local = launches(new LocalLauncher(), ws, Map.of("PATH", "/usr/bin:/bin"), runs);
            report("exec /bin/true, sandbox (ms)", sandboxed);
            report("exec /bin/true, local (ms)", local);
            System.out.printf("sandbox overhead per exec, p50: %.2f ms%n", percentile(sandboxed, 50)
                    - percentile(local, 50));
        } finally {
            Sandbox.deleteTree(ws);
        }
        proxyLatency(runs * 2);
    }

    private static List<Double> launches(ProcessLauncher launcher, Path ws, Map<String, String> env, int runs)
            throws Exception {
        LaunchSpec spec = new LaunchSpec(List.of("/bin/true"), ws, env, Duration.ofSeconds(30), null);
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < runs + 20; i++) {
            long start = System.nanoTime();
            try (LaunchedProcess p = launcher.launch(spec)) {
                p.stdout().readAllBytes();
                int code = p.exit().get(30, TimeUnit.SECONDS).code();
                if (code != 0) {
                    throw new IllegalStateException("/bin/true exited " + code + ": "
                            + new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            if (i >= 20) { // the first launches warm up the JIT and the file cache
                times.add((System.nanoTime() - start) / 1e6);
            }
        }
        return times;
    }

    private static void proxyLatency(int runs) throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!upstream.isClosed()) {
                    try {
                        upstream.accept().close();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            RecordingResolver resolver = new RecordingResolver().answer("api.example.test",
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.getLocalPort()));
            Path dir = Files.createTempDirectory("perstack-bench-proxy");
            try (EgressProxy proxy = EgressProxy.start(new EgressProxy.Options(new EgressPolicy(
                    List.of("api.example.test"), List.of(Cidr.parse("127.0.0.0/8"))), resolver::resolve, e -> { }))) {
                Path socket = dir.resolve("egress.sock");
                proxy.listen("bench", socket);
                List<Double> viaProxy = new ArrayList<>();
                List<Double> direct = new ArrayList<>();
                for (int i = 0; i < runs + 50; i++) {
                    long start = System.nanoTime();
                    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        c.connect(UnixDomainSocketAddress.of(socket));
                        Channels.newOutputStream(c).write(("CONNECT api.example.test:443 HTTP/1.1\r\n"
                                + "Host: api.example.test:443\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        String status = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                                StandardCharsets.ISO_8859_1)).readLine();
                        if (!status.contains(" 200 ")) {
                            throw new IllegalStateException(status);
                        }
                    }
                    long middle = System.nanoTime();
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.getLocalPort()));
                    }
                    long end = System.nanoTime();
                    if (i >= 50) {
                        viaProxy.add((middle - start) / 1e6);
                        direct.add((end - middle) / 1e6);
                    }
                }
                report("CONNECT to 200 through the proxy (ms)", viaProxy);
                report("direct TCP connect (ms)", direct);
                System.out.printf("proxy added latency per CONNECT, p50: %.3f ms%n", percentile(viaProxy, 50)
                        - percentile(direct, 50));
            } finally {
                Sandbox.deleteTree(dir);
            }
        }
    }

    private static void report(String what, List<Double> times) {
        System.out.printf("%-40s n=%d p50=%.2f p90=%.2f p99=%.2f%n", what, times.size(), percentile(times, 50),
                percentile(times, 90), percentile(times, 99));
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
