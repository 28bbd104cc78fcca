package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.event.EventPayload;
import io.perstack.sandbox.egress.Cidr;
import io.perstack.sandbox.egress.EgressPolicy;
import io.perstack.testkit.net.RecordingResolver;
import io.perstack.testkit.net.TestCertificate;
import io.perstack.testkit.net.TlsTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network path of docs/isolation.md §6.4 from inside real sandboxes: loopback only, no DNS, the forwarder on
 * 127.0.0.1:3128 as the only way out, and the proxy's decisions as events (SR-05…SR-07, SR-38, SR-39; AT-16,
 * AT-19, AT-20, AT-24). Allowed destinations are local TLS servers reached through a test resolver.
 */
class SandboxNetworkTest {
    @TempDir
    static Path ws;

    @TempDir
    static Path certs;

    private static final Sandboxes.Events EVENTS = new Sandboxes.Events();
    private static final RecordingResolver RESOLVER = new RecordingResolver();
    private static TlsTestServer first;
    private static TlsTestServer second;
    private static Sandbox sandbox;

    @BeforeAll
    static void open() throws Exception {
        TestCertificate cert = TestCertificate.create(certs, "api.example.test", "api2.example.test");
        Files.copy(cert.pem(), ws.resolve("ca.pem"));
        first = TlsTestServer.start(cert, "first");
        second = TlsTestServer.start(cert, "second");
        RESOLVER.answer("api.example.test", first.address()).answer("api2.example.test", second.address());
        // Two skills' allowlists merged, as JobAllowlist computes them (AT-20).
        sandbox = Sandboxes.open(ws, List.of(), List.of(), List.of("api.example.test", "api2.example.test"),
                RESOLVER::resolve, List.of(Cidr.parse("127.0.0.0/8")), EVENTS, null);
    }

    @AfterAll
    static void close() {
        sandbox.close();
        first.close();
        second.close();
    }

    @BeforeEach
    void clear() {
        EVENTS.all.clear();
    }

    private static Sandboxes.Result sh(String script) {
        return Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(30), "/bin/sh", "-c", script);
    }

    @Test
    void allowlistedHttpsNamesAreReachedThroughTheProxy() {
        Sandboxes.Result r = sh("curl -sS --cacert /workspace/ca.pem https://api.example.test/ "
                + "https://api2.example.test/");

        assertThat(r.out().lines().toList()).as(r.toString()).containsExactly("hello from first",
                "hello from second");
        assertThat(EVENTS.snapshot()).containsExactly(
                new EventPayload.ProxyAccess("allowed", "api.example.test", 443, EgressPolicy.TEST_OVERRIDE, "exec"),
                new EventPayload.ProxyAccess("allowed", "api2.example.test", 443, EgressPolicy.TEST_OVERRIDE,
                        "exec"));
    }

    @Test
    void otherNamesPlainHttpAndOtherPortsAreRefusedWithAnEvent() {
        Sandboxes.Result r = sh("curl -sS --cacert /workspace/ca.pem https://other.example.test/; "
                + "curl -sS -o /dev/null -w '%{http_code}\\n' http://api.example.test/leak?d=x; "
                + "curl -sS --cacert /workspace/ca.pem https://api.example.test:8443/");

        assertThat(r.stdout()).doesNotContain("hello from").contains("403");
        assertThat(EVENTS.snapshot().stream().map(e -> e.action() + " " + e.domain() + ":" + e.port() + " "
                + e.reason() + " " + e.skillName()).toList()).containsExactly(
                "blocked other.example.test:443 domain not in allowlist exec",
                "blocked api.example.test:80 plain HTTP is not allowed exec",
                "blocked api.example.test:8443 port not allowed exec");
        assertThat(RESOLVER.queries()).doesNotContain("other.example.test");
    }

    @Test
    void withoutTheProxyThereIsNoRouteAndNoNameResolution() {
        Sandboxes.Result r = sh("curl -sS -m 5 --noproxy '*' https://1.1.1.1/ 2>&1; echo direct=$?; "
                + "env -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy curl -sS -m 5 "
                + "https://api.example.test/ 2>&1; echo cleared=$?; "
                + "getent hosts example.com; echo dns=$?; getent hosts localhost");

        assertThat(r.stdout()).doesNotContain("hello from");
        assertThat(r.stdout()).containsPattern("direct=(7|28)").contains("cleared=6", "dns=2")
                .contains("localhost");
        assertThat(EVENTS.snapshot()).isEmpty();
        assertThat(RESOLVER.queries()).doesNotContain("example.com");
    }

    @Test
    void theForwarderListensOnLoopbackOnly() {
        Sandboxes.Result r = sh("awk 'NR>1 && $4==\"0A\" {print $2}' /proc/net/tcp /proc/net/tcp6");

        assertThat(r.out().lines().toList()).containsExactly("0100007F:0C38");
    }
}
