package io.perstack.skills.mcp;

import static io.perstack.skills.mcp.Harness.call;
import static io.perstack.skills.mcp.Harness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.event.EventPayload;
import io.perstack.core.json.Json;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.skills.SkillSet;
import io.perstack.skills.SkillStartException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stdio MCP skills launched through the local backend, with their environment filtered (docs/skills.md §1–§4). */
class StdioSkillTest {
    @TempDir
    Path ws;

    private Harness h;

    @BeforeEach
    void open() {
        h = new Harness(ws);
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void startsAServerThroughTheLauncherReportsItAndCallsItsTools() {
        SkillSet set = h.hostile("hostile", List.of(), false).start();

        EventPayload.SkillStarting starting = h.events(EventPayload.SkillStarting.class).getFirst();
        assertThat(starting.skillName()).isEqualTo("hostile");
        assertThat(starting.command()).endsWith("/bin/java");
        assertThat(starting.args()).last().isEqualTo("io.perstack.testkit.mcp.HostileStdioServer");
        EventPayload.SkillConnected connected = h.events(EventPayload.SkillConnected.class).stream()
                .filter(e -> e.skillName().equals("hostile")).findFirst().orElseThrow();
        assertThat(connected.serverInfo()).isEqualTo(new EventPayload.SkillConnected.ServerInfo("hostile-mcp",
                "6.6.6"));
        assertThat(connected.totalDurationMs()).isPositive();
        assertThat(connected.connectDurationMs())
                .isEqualTo(connected.spawnDurationMs() + connected.handshakeDurationMs());
        assertThat(connected.totalDurationMs()).isGreaterThanOrEqualTo(connected.connectDurationMs()
                + connected.toolDiscoveryDurationMs());
        assertThat(set.tools()).extracting(t -> t.skillName() + "/" + t.name())
                .contains("hostile/echo", "hostile/env", "@perstack/base/readTextFile");

        assertThat(text(call(set, "echo", "{\"text\":\"hi\"}"))).isEqualTo("echo: hi");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(h.stderrOf("hostile")).contains("hostile server started"));
    }

    @Test
    void aSkillProcessSeesTheSafeListAndOnlyItsOwnRequiredEnv() {
        List<String> a = io.perstack.testkit.mcp.HostileMcp.stdioCommand("--tool", "envA");
        List<String> b = io.perstack.testkit.mcp.HostileMcp.stdioCommand("--tool", "envB");
        SkillSet set = h.skill(new SkillConfig.McpStdio("a", null, null, List.of("envA"), List.of(), a.getFirst(),
                        null, a.subList(1, a.size()), List.of("SKILL_A_TOKEN"), List.of(), false))
                .skill(new SkillConfig.McpStdio("b", null, null, List.of("envB"), List.of(), b.getFirst(), null,
                        b.subList(1, b.size()), List.of("SKILL_B_TOKEN"), List.of(), false))
                .start();
        JsonNode envA = Json.tree(text(call(set, "envA", "{}")));
        JsonNode envB = Json.tree(text(call(set, "envB", "{}")));

        assertThat(envA.path("SKILL_A_TOKEN").asText()).isEqualTo("canary-a-7c1e");
        assertThat(envB.path("SKILL_B_TOKEN").asText()).isEqualTo("canary-b-93fd");
        for (JsonNode env : List.of(envA, envB)) {
            List<String> names = new ArrayList<>();
            env.fieldNames().forEachRemaining(names::add);
            assertThat(names).doesNotContain("ANTHROPIC_API_KEY", "AWS_SECRET_ACCESS_KEY", "NODE_OPTIONS");
            assertThat(names).allMatch(n -> EnvironmentPolicy.SAFE_NAMES.contains(n) || n.startsWith("SKILL_"));
            assertThat(env.toString()).doesNotContain("canary-aws", "sk-ant-canary");
        }
        assertThat(envA.has("SKILL_B_TOKEN")).isFalse();
        assertThat(envB.has("SKILL_A_TOKEN")).isFalse();
    }

    @Test
    void aMissingRequiredVariableFailsBeforeAnyProcessStarts() {
        assertThatThrownBy(() -> h.hostile("needy", List.of("NOT_SET_ANYWHERE"), false).start())
                .isInstanceOf(SkillStartException.class)
                .hasMessage("Skill needy requires environment variable NOT_SET_ANYWHERE");
        assertThat(h.events(EventPayload.SkillStarting.class)).isEmpty();
    }

    @Test
    void aProtectedNameInRequiredEnvIsAConfigurationError() {
        assertThatThrownBy(() -> h.hostile("sneaky", List.of("Node_Options"), false).start())
                .hasMessage("Skill sneaky may not request protected variable Node_Options");
    }

    @Test
    void commandConstructionFollowsTheDocumentedRules() {
        SkillConfig.McpStdio neither = new SkillConfig.McpStdio("x", null, null, null, null, "npx", null, List.of(),
                null, null, false);
        assertThatThrownBy(() -> StdioCommand.argv(neither))
                .hasMessage("Skill x has no packageName or args. Please provide one of them.");
        SkillConfig.McpStdio both = new SkillConfig.McpStdio("x", null, null, null, null, "npx", "pkg",
                List.of("pkg"), null, null, false);
        assertThatThrownBy(() -> StdioCommand.argv(both))
                .hasMessage("Skill x has both packageName and args. Please provide only one of them.");
        assertThat(StdioCommand.argv(new SkillConfig.McpStdio("x", null, null, null, null, "npx", "some-mcp",
                null, null, null, false))).containsExactly("npx", "-y", "some-mcp");
        assertThat(StdioCommand.argv(new SkillConfig.McpStdio("x", null, null, null, null, "npx", null,
                List.of("-y", "pkg@1.0.0"), null, null, false))).containsExactly("npx", "-y", "pkg@1.0.0");
        assertThat(StdioCommand.argv(new SkillConfig.McpStdio("x", null, null, null, null, "uvx", "mcp-server-git",
                null, null, null, false))).containsExactly("uvx", "mcp-server-git");
    }

    @Test
    void aCommandThatDoesNotExistFailsTheStartAndClosesTheOthers() {
        String marker = "marker-" + System.nanoTime();
        h.hostile("fine", List.of(), false, "--name", marker, "--start-delay-ms", "1500")
                .skill(new SkillConfig.McpStdio("ghost", null, null, List.of(), List.of(),
                        "nonexistent-command-12345", null, List.of("--serve"), List.of(), List.of(), false));

        assertThatThrownBy(h::start).isInstanceOf(SkillStartException.class)
                .hasMessage("Skill ghost failed to start: Command not found: nonexistent-command-12345");
        assertThat(Harness.processesWith(marker)).isEmpty();
    }

    @Test
    void aSkillThatExitsAtStartShowsTheLastLinesOfItsStderrInTheFailure() {
        h.skill(new SkillConfig.McpStdio("npmfail", null, null, List.of(), List.of(), "sh", null,
                List.of("-c", "for i in 1 2 3 4 5 6; do echo \"noise $i\" >&2; done; echo 'npm error code E404' >&2; "
                        + "echo 'npm error 404 Not Found - GET https://registry.npmjs.org/nope' >&2; exit 1"),
                List.of(), List.of(), false));

        assertThatThrownBy(h::start).isInstanceOf(SkillStartException.class)
                .hasMessageStartingWith("Skill npmfail failed to start: ")
                .hasMessageEndingWith(". The last lines of its stderr:\n  noise 4\n  noise 5\n  noise 6\n"
                        + "  npm error code E404\n  npm error 404 Not Found - GET https://registry.npmjs.org/nope");
    }

    @Test
    void aBaseSkillProcessNamingAFileGetsItReadInsideTheWorkspaceOnly() throws Exception {
        java.nio.file.Files.write(ws.resolve("pixel.gif"),
                java.util.Base64.getDecoder().decode(io.perstack.testkit.mcp.HostileProtocol.GIF_BASE64));
        SkillSet set = h.baseCommand(io.perstack.testkit.mcp.HostileMcp.stdioCommand("--tool", "readImageFile"))
                .start();

        assertThat(h.events(EventPayload.SkillStarting.class)).extracting(EventPayload.SkillStarting::skillName)
                .containsExactly("@perstack/base");
        var inside = call(set, "readImageFile", "{\"path\":\"pixel.gif\"}");
        assertThat(inside.result()).singleElement().isInstanceOfSatisfying(
                io.perstack.core.model.MessagePart.ImageInlinePart.class,
                p -> assertThat(p.encodedData()).isEqualTo(io.perstack.testkit.mcp.HostileProtocol.GIF_BASE64));
        assertThat(text(call(set, "readImageFile", "{\"path\":\"/etc/passwd\"}")))
                .startsWith("Failed to read file \"/etc/passwd\": ").doesNotContain("root:");
    }

    @Test
    void perstackBaseSkillCommandReplacesOnlyNpxBaseSkills() {
        List<String> command = List.of("java", "-jar", "perstack.jar", "mcp", "base-skill");
        SkillConfig.McpStdio base = new SkillConfig.McpStdio("@perstack/base", null, null, null, null, "npx",
                "@perstack/base", null, null, null, false);
        SkillConfig.McpStdio rewritten = StdioCommand.withBaseCommand(base, command);
        assertThat(StdioCommand.baseCommandArgv(rewritten)).isEqualTo(command);
        assertThat(rewritten.packageName()).isNull();
        SkillConfig.McpStdio other = new SkillConfig.McpStdio("git", null, null, null, null, "npx", "mcp-git", null,
                null, null, true);
        assertThat(StdioCommand.withBaseCommand(other, command)).isSameAs(other);
        assertThat(StdioCommand.isPinnedBase(new SkillConfig.McpStdio("b", null, null, null, null, "npx", null,
                List.of("-y", "@perstack/base@0.0.34"), null, null, false))).isTrue();
        assertThat(StdioCommand.isPinnedBase(base)).isFalse();
    }
}
