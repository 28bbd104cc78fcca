package io.perstack.skills.mcp;

import static io.perstack.skills.mcp.Harness.call;
import static io.perstack.skills.mcp.Harness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.core.config.SkillConfig;
import io.perstack.core.event.EventPayload;
import io.perstack.skills.SkillSet;
import io.perstack.skills.SkillStartException;
import io.perstack.testkit.mcp.Behaviour;
import io.perstack.testkit.mcp.HostileHttpServer;
import io.perstack.testkit.mcp.TestTls;
import io.perstack.sandbox.egress.Cidr;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSE and streamable HTTP skills against the hostile server over real TLS (docs/skills.md §7). A public-looking name is
 * mapped to the loopback server by relaxed {@link RemoteAddressRules} passed in the remote access, and loopback is
 * exempted the same way; a name mapped to a private address must still be refused (SR-42).
 */
class RemoteSkillTest {
    private static final String HOST = "mcp.example.test";
    /** Passed explicitly: nothing outside code (no property, flag or configuration) relaxes the address rules. */
    private static final RemoteAddressRules RULES = new RemoteAddressRules(Map.of(
            HOST, List.of(InetAddress.ofLiteral("127.0.0.1")),
            "rebind.example.test", List.of(InetAddress.ofLiteral("10.0.0.1")),
            "meta.example.test", List.of(InetAddress.ofLiteral("169.254.169.254"))),
            List.of(Cidr.parse("127.0.0.0/8")));

    @TempDir
    static Path certs;

    @TempDir
    Path ws;

    private static TestTls tls;
    private static HostileHttpServer server;
    private Harness h;

    @BeforeAll
    static void serve() {
        tls = TestTls.forHost(certs, HOST);
        server = HostileHttpServer.start(Behaviour.parse(List.of()), tls.server());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void open() {
        h = new Harness(ws).remote(new McpServer.RemoteAccess(tls.client(), null, RULES));
    }

    @AfterEach
    void close() {
        h.close();
    }

    private static SkillConfig remote(boolean streamable, String url) {
        return streamable
                ? new SkillConfig.McpStreamableHttp("remote", null, null, List.of(), List.of(), url, List.of())
                : new SkillConfig.McpSse("remote", null, null, List.of(), List.of(), url, List.of());
    }

    @ParameterizedTest(name = "streamable={0}")
    @ValueSource(booleans = {true, false})
    void connectsOverTlsListsToolsAndConvertsResults(boolean streamable) {
        String path = streamable ? "/mcp" : "/sse";
        SkillSet set = h.skill(remote(streamable, "https://" + HOST + ":" + server.port() + path)).start();

        EventPayload.SkillConnected connected = h.events(EventPayload.SkillConnected.class).stream()
                .filter(e -> e.skillName().equals("remote")).findFirst().orElseThrow();
        assertThat(connected.serverInfo().name()).isEqualTo("hostile-mcp");
        assertThat(h.events(EventPayload.SkillStarting.class)).isEmpty();
        assertThat(text(call(set, "echo", "{\"text\":\"over tls\"}"))).isEqualTo("echo: over tls");
        assertThat(text(call(set, "rpcError", "{}"))).isEqualTo("Error calling tool rpcError: hostile failure");
        assertThat(text(call(set, "progress", "{\"steps\":2,\"intervalMs\":10}"))).isEqualTo("done after 2 steps");
        set.close();
        assertThat(h.events(EventPayload.SkillDisconnected.class)).extracting(EventPayload.SkillDisconnected::skillName)
                .contains("remote");
    }

    @Test
    void aResultLargerThanTheMessageLimitFailsTheCallNotTheRun() {
        SkillSet set = h.skill(remote(true, "https://" + HOST + ":" + server.port() + "/mcp")).start();

        assertThat(text(call(set, "big", "{\"bytes\":" + (17 * 1024 * 1024) + "}")))
                .startsWith("Error calling tool big:");
        assertThat(text(call(set, "echo", "{\"text\":\"still here\"}"))).isEqualTo("echo: still here");
    }

    @Test
    void aNameThatResolvesToAPrivateAddressIsRefusedAtConnectTime() {
        assertThatThrownBy(() -> h.skill(remote(true, "https://rebind.example.test:" + server.port() + "/mcp"))
                .start())
                .isInstanceOf(SkillStartException.class)
                .hasMessageStartingWith("Skill remote failed to start: Skill remote SSE endpoint cannot use "
                        + "private/local IP: https://rebind.example.test:")
                .hasMessageContaining("10.0.0.1");
    }

    @Test
    void cloudMetadataAddressesAreRefusedEvenWhenLoopbackIsExempt() {
        assertThatThrownBy(() -> h.skill(remote(false, "https://meta.example.test/sse")).start())
                .hasMessageContaining("cannot use private/local IP").hasMessageContaining("169.254.169.254");
    }

    @Test
    void plainHttpAndLiteralPrivateHostsAreRefusedWithoutConnecting() {
        assertThatThrownBy(() -> h.skill(remote(false, "http://" + HOST + ":" + server.port() + "/sse")).start())
                .hasMessage("Skill remote failed to start: Skill remote SSE endpoint must use HTTPS: http://" + HOST
                        + ":" + server.port() + "/sse");
        Harness other = new Harness(ws);
        try {
            assertThatThrownBy(() -> other.skill(remote(true, "https://127.0.0.1:" + server.port() + "/mcp"))
                    .start())
                    .hasMessage("Skill remote failed to start: Skill remote SSE endpoint cannot use private/local "
                            + "IP: https://127.0.0.1:" + server.port() + "/mcp");
        } finally {
            other.close();
        }
    }

    @Test
    void aCertificateThatIsNotTrustedFailsTheStart() {
        Harness untrusting = new Harness(ws).remote(new McpServer.RemoteAccess(null, null, RULES));
        try {
            assertThatThrownBy(() -> untrusting.skill(remote(true, "https://" + HOST + ":" + server.port()
                    + "/mcp")).start())
                    .isInstanceOf(SkillStartException.class)
                    .hasMessageStartingWith("Skill remote failed to start:");
        } finally {
            untrusting.close();
        }
    }
}
