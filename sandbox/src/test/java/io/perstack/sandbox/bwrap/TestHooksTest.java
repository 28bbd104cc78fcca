package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.sandbox.egress.Cidr;
import io.perstack.sandbox.egress.HostResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test-only switches of docs/isolation.md §5.3: system properties only, and never silent. */
class TestHooksTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    @AfterEach
    void clear() {
        System.clearProperty(TestHooks.ALLOW_CIDRS);
        System.clearProperty(TestHooks.HOSTS);
    }

    @Test
    void withoutThePropertiesNothingIsExemptedAndDnsIsTheHosts() {
        assertThat(TestHooks.exemptions(warnings::add)).isEmpty();
        assertThat(TestHooks.resolver(warnings::add)).isNull();
        assertThat(warnings).isEmpty();
    }

    @Test
    void exemptedRangesComeFromThePropertyWithAWarning() {
        System.setProperty(TestHooks.ALLOW_CIDRS, "127.0.0.2/32, fd00::/8");

        assertThat(TestHooks.exemptions(warnings::add)).containsExactly(Cidr.parse("127.0.0.2/32"),
                Cidr.parse("fd00::/8"));
        assertThat(warnings).singleElement().asString().startsWith("Warning: test override");
    }

    @Test
    void theHostsFileAnswersRedirectsPortsAndRecordsEveryQuery() throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"),
                "api.example.test 127.0.0.2:8443\nrebind.example.test 10.0.0.1\nrebind.example.test [fd00::1]\n");
        System.setProperty(TestHooks.HOSTS, hosts.toString());

        HostResolver resolver = TestHooks.resolver(warnings::add);

        assertThat(resolver.resolve("api.example.test", 443)).containsExactly(
                new InetSocketAddress(InetAddress.ofLiteral("127.0.0.2"), 8443));
        assertThat(resolver.resolve("rebind.example.test", 443)).containsExactly(
                new InetSocketAddress(InetAddress.ofLiteral("10.0.0.1"), 443),
                new InetSocketAddress(InetAddress.ofLiteral("fd00::1"), 443));
        assertThatThrownBy(() -> resolver.resolve("unknown.test", 443)).isInstanceOf(UnknownHostException.class);
        assertThat(Files.readAllLines(Path.of(hosts + ".queries"))).containsExactly("api.example.test",
                "rebind.example.test", "unknown.test");
        assertThat(warnings).hasSize(1);
    }
}
