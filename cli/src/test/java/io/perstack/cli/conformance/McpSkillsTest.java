package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.mcp.HostileMcp;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-41, C-46…C-53 and C-32 through the real CLI: MCP skills in child processes (the hostile server and the base
 * skill served by {@code perstack mcp base-skill}) started through the local backend.
 */
class McpSkillsTest {
    @TempDir
    Path dir;

    static String tomlArray(List<String> values) {
        return values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** A {@code [experts."<key>".skills."<name>"]} table running the hostile server with {@code options}. */
    static String hostileSkill(String expert, String name, String extra, String... options) {
        List<String> cmd = HostileMcp.stdioCommand(options);
        return """

                [experts."%s".skills."%s"]
                type = "mcpStdioSkill"
                command = %s
                args = %s
                %s
                """.formatted(expert, name, tomlArray(List.of(cmd.getFirst())).replaceAll("^\\[|]$", ""),
                tomlArray(cmd.subList(1, cmd.size())), extra);
    }

    static String expert(String key, String baseExtra) {
        return """
                model = "claude-sonnet-4-5"

                [experts."%s"]
                instruction = "Use the tools."

                [experts."%s".skills."@perstack/base"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "@perstack/base"
                %s
                """.formatted(key, key, baseExtra);
    }

    @Test
    void c41TheBaseSkillRunsAsAStdioServerThroughPerstackMcpBaseSkill() {
        List<String> command = HostileMcp.javaCommand("io.perstack.cli.Main", "mcp", "base-skill");
        String toml = "perstackBaseSkillCommand = " + tomlArray(command) + "\n" + expert("e2e-versioned-base", "");
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"toolCalls":[{"id":"t1","name":"healthCheck","input":{}}]},{"text":"healthy"}]}""")) {
            CliRun run = s.run("e2e-versioned-base", "Check health");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.hasSubsequence("skillStarting", "skillConnected", "startRun", "completeRun",
                    "skillDisconnected")).as(run.toString()).isTrue();
            JsonNode starting = run.first("skillStarting");
            assertThat(starting.path("skillName").asText()).isEqualTo("@perstack/base");
            assertThat(starting.path("args").toString()).contains("\"mcp\",\"base-skill\"");
            JsonNode connected = run.first("skillConnected");
            assertThat(connected.path("skillName").asText()).isEqualTo("@perstack/base");
            assertThat(connected.path("totalDurationMs").asLong()).isPositive();
            assertThat(connected.path("serverInfo").path("name").asText()).isEqualTo("@perstack/base");
            String health = s.server().requests().get(1).bodyText();
            assertThat(health).contains("\\\"status\\\":\\\"ok\\\"");
        }
    }

    @Test
    void c46c47PickAndOmitShapeTheToolListSentToTheModel() {
        String toml = expert("e2e-pick-tools", "pick = [\"attemptCompletion\", \"todo\"]")
                + hostileSkill("e2e-pick-tools", "hostile", "omit = [\"crash\", \"hang\"]");
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"toolCalls":[{"id":"t1","name":"todo","input":{"newTodos":["a"]}}]},
                            {"text":"done"}]}""")) {
            CliRun run = s.run("e2e-pick-tools", "Plan");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode tools = s.server().requests().getFirst().body().path("tools");
            List<String> names = tools.findValuesAsText("name");
            assertThat(names).contains("todo", "attemptCompletion", "echo", "env")
                    .doesNotContain("readTextFile", "exec", "crash", "hang");
        }
    }

    @Test
    void c48AnExpertWithSeveralSkillsRunsTheirToolsInParallelAndCompletes() {
        String toml = expert("e2e-parallel-mcp", "")
                + hostileSkill("e2e-parallel-mcp", "first", "pick = [\"rendezvous\"]")
                + hostileSkill("e2e-parallel-mcp", "second", "pick = [\"echo\"]");
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"toolCalls":[
                   {"id":"t1","name":"rendezvous","input":{"parties":2,"timeoutMs":10000}},
                   {"id":"t2","name":"rendezvous","input":{"parties":2,"timeoutMs":10000}},
                   {"id":"t3","name":"echo","input":{"text":"third"}}]},
                 {"text":"all done"}]}""")) {
            CliRun run = s.run("e2e-parallel-mcp", "Go");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode results = run.first("resolveToolResults").path("toolResults");
            assertThat(results.findValuesAsText("text")).containsExactly("together", "together", "echo: third");
            assertThat(results.findValuesAsText("skillName")).containsExactly("first", "first", "second");
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("all done");
        }
    }

    @Test
    void c49ConfigurationAndStartFailuresExitOneWithTheSkillNamed() {
        String noArgs = expert("e2e-mcp-error", "") + """

                [experts."e2e-mcp-error".skills."broken"]
                type = "mcpStdioSkill"
                command = "nonexistent-command-12345"
                args = []
                """;
        try (Scenario s = Scenario.of(dir, noArgs, "{\"replies\":[]}")) {
            CliRun run = s.run("e2e-mcp-error", "Go");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("Skill broken has no packageName or args");
        }
        String missing = expert("e2e-missing", "") + """

                [experts."e2e-missing".skills."ghost"]
                type = "mcpStdioSkill"
                command = "nonexistent-command-12345"
                args = ["serve"]
                """;
        try (Scenario s = Scenario.of(dir.resolve("b"), missing, "{\"replies\":[]}")) {
            CliRun run = s.run("e2e-missing", "Go");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("Skill ghost failed to start: Command not found");
        }
        String needy = expert("e2e-needy", "") + hostileSkill("e2e-needy", "needy",
                "requiredEnv = [\"NEEDY_TOKEN\"]");
        try (Scenario s = Scenario.of(dir.resolve("c"), needy, "{\"replies\":[]}")) {
            CliRun run = s.run("e2e-needy", "Go");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("Skill needy requires environment variable NEEDY_TOKEN");
        }
    }

    @Test
    void c51SkillsConnectBeforeStartRunUnlessLazy() {
        String toml = expert("e2e-lazy-init-mixed", "")
                + hostileSkill("e2e-lazy-init-mixed", "eager", "pick = [\"echo\"]")
                + hostileSkill("e2e-lazy-init-mixed", "lazy", "pick = [\"env\"]\nlazyInit = true",
                "--start-delay-ms", "800");
        try (Scenario s = Scenario.of(dir, toml, "{\"replies\":[{\"text\":\"ok\"}]}")) {
            CliRun run = s.run("e2e-lazy-init-mixed", "Go");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            long startRun = run.first("startRun").path("timestamp").asLong();
            for (JsonNode c : run.ofType("skillConnected")) {
                if (!c.path("skillName").asText().equals("lazy")) {
                    assertThat(c.path("timestamp").asLong()).isLessThanOrEqualTo(startRun);
                }
            }
            List<String> connected = run.ofType("skillConnected").stream()
                    .map(c -> c.path("skillName").asText()).toList();
            assertThat(connected).contains("@perstack/base", "eager", "lazy");
            assertThat(run.types().indexOf("startRun"))
                    .isLessThan(run.types().lastIndexOf("skillConnected"));
            // The lazy skill's tools were offered to the first generation.
            assertThat(s.server().requests().getFirst().body().path("tools").findValuesAsText("name"))
                    .contains("env", "echo");
        }
    }

    @Test
    void aLazySkillThatFailsStopsTheRunWithSkillInitError() {
        String toml = expert("e2e-lazy-bad", "") + """

                [experts."e2e-lazy-bad".skills."lazybad"]
                type = "mcpStdioSkill"
                command = "nonexistent-command-12345"
                args = ["serve"]
                lazyInit = true
                """;
        try (Scenario s = Scenario.of(dir, toml, "{\"replies\":[{\"text\":\"never\"}]}")) {
            CliRun run = s.run("e2e-lazy-bad", "Go");

            assertThat(run.exitCode()).isEqualTo(1);
            JsonNode error = run.last("stopRunByError").path("error");
            assertThat(error.path("name").asText()).isEqualTo("SkillInitError");
            assertThat(error.path("message").asText())
                    .isEqualTo("Skill lazybad failed to start: Command not found: nonexistent-command-12345");
            assertThat(s.server().requests()).isEmpty();
        }
    }

    @Test
    void c52ASkillShadowingABaseToolFailsTheStartNamingBoth() {
        String toml = expert("e2e-shadow", "") + hostileSkill("e2e-shadow", "impostor", "", "--tool",
                "attemptCompletion");
        try (Scenario s = Scenario.of(dir, toml, "{\"replies\":[]}")) {
            CliRun run = s.run("e2e-shadow", "Go");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("Tool name \"attemptCompletion\" is provided by skills "
                    + "\"@perstack/base\" and \"impostor\"; use pick or omit to keep one");
        }
    }

    @Test
    void c53NonProtocolOutputIsDiagnosedAndAnOversizedLineBreaksOnlyThatSkill() {
        String toml = "toolResultMaxBytes = 2048\n" + expert("e2e-hostile", "")
                + hostileSkill("e2e-hostile", "hostile", "", "--garbage-stdout");
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[
                  {"toolCalls":[{"id":"t1","name":"echo","input":{"text":"before"}}]},
                  {"toolCalls":[{"id":"t2","name":"big","input":{"bytes":10000}}]},
                  {"toolCalls":[{"id":"t3","name":"big","input":{"bytes":17825792}}]},
                  {"toolCalls":[{"id":"t4","name":"echo","input":{"text":"after"}}]},
                  {"text":"survived"}]}""")) {
            CliRun run = s.run("e2e-hostile", "Go");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            List<String> diagnostics = run.ofType("skillStderr").stream()
                    .map(e -> e.path("message").asText()).toList();
            assertThat(diagnostics).contains("[perstack: non-protocol output] hostile banner: not a JSON-RPC message");
            List<JsonNode> resolved = run.ofType("resolveToolResults");
            assertThat(resolved.get(0).toString()).contains("echo: before");
            // C-32: a result over toolResultMaxBytes reaches the model cut, with the marker.
            String capped = resolved.get(1).path("toolResults").get(0).path("result").get(0).path("text").asText();
            assertThat(capped).isEqualTo("x".repeat(2048)
                    + "\n[perstack: tool result truncated after 2048 bytes; 10000 bytes total]");
            assertThat(resolved.get(2).toString()).contains("Error calling tool big: message too large");
            assertThat(resolved.get(3).toString()).contains("Error calling tool echo: message too large");
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("survived");
        }
    }

    @Test
    void sr15ASkillSeesItsOwnRequiredVariableAndNoCredential() {
        String toml = expert("e2e-env", "") + hostileSkill("e2e-env", "hostile",
                "pick = [\"env\"]\nrequiredEnv = [\"HOSTILE_TOKEN\"]");
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"toolCalls":[{"id":"t1","name":"env","input":{}}]},{"text":"seen"}]}""")) {
            s.cli().env("HOSTILE_TOKEN", "canary-own-4471").env("GITHUB_TOKEN", "ghp_canary_not_for_skills")
                    .env("OTHER_SECRET", "canary-other-1234");
            CliRun run = s.run("e2e-env", "Show env");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            String seen = run.first("resolveToolResults").toString();
            assertThat(seen).contains("canary-own-4471")
                    .doesNotContain(Scenario.DUMMY_KEY, "ghp_canary_not_for_skills", "canary-other-1234",
                            "ANTHROPIC_BASE_URL", "PERSTACK_STORAGE_PATH");
        }
    }
}
