package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.mcp.NpmPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A published MCP server from npm ({@code @modelcontextprotocol/server-filesystem}, installed by the test set-up)
 * as a skill of a real run: started with {@code node} through the local backend in the workspace.
 */
class PublishedMcpServerTest {
    @TempDir
    Path dir;

    @Test
    void theFilesystemServerFromNpmWritesAndReadsInTheWorkspace() throws Exception {
        Optional<Path> pkg = NpmPackages.locate(NpmPackages.FILESYSTEM_SERVER);
        assumeTrue(pkg.isPresent(), NpmPackages.missingReason(NpmPackages.FILESYSTEM_SERVER));
        Path workspace = dir.toRealPath();
        String file = workspace.resolve("hello.txt").toString();
        String toml = McpSkillsTest.expert("e2e-npm", "pick = [\"attemptCompletion\"]") + """

                [experts."e2e-npm".skills."filesystem"]
                type = "mcpStdioSkill"
                command = "node"
                args = %s
                pick = ["write_file", "read_text_file", "list_allowed_directories"]
                """.formatted(McpSkillsTest.tomlArray(java.util.List.of(
                pkg.get().resolve("dist/index.js").toString(), ".")));
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[
                  {"toolCalls":[{"id":"t1","name":"write_file","input":{"path":%1$s,"content":"written via npm"}}]},
                  {"toolCalls":[{"id":"t2","name":"read_text_file","input":{"path":%1$s}}]},
                  {"text":"done"}]}""".formatted("\"" + file + "\""))) {
            CliRun run = s.run("e2e-npm", "Write and read a file");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode starting = run.ofType("skillStarting").stream()
                    .filter(e -> e.path("skillName").asText().equals("filesystem")).findFirst().orElseThrow();
            assertThat(starting.path("command").asText()).isEqualTo("node");
            JsonNode connected = run.ofType("skillConnected").stream()
                    .filter(e -> e.path("skillName").asText().equals("filesystem")).findFirst().orElseThrow();
            assertThat(connected.path("serverInfo").path("name").asText()).isEqualTo("secure-filesystem-server");
            assertThat(Files.readString(workspace.resolve("hello.txt"))).isEqualTo("written via npm");
            assertThat(run.ofType("resolveToolResults").get(1).toString()).contains("written via npm");
            assertThat(s.server().requests().getFirst().body().path("tools").findValuesAsText("name"))
                    .containsExactlyInAnyOrder("attemptCompletion", "write_file", "read_text_file",
                            "list_allowed_directories");
        }
    }

    @Test
    void theEverythingServerSeesOnlyTheSafeVariablesAndItsOwnRequiredEnv() throws Exception {
        Optional<Path> everything = NpmPackages.locate(NpmPackages.EVERYTHING_SERVER);
        Optional<Path> filesystem = NpmPackages.locate(NpmPackages.FILESYSTEM_SERVER);
        assumeTrue(everything.isPresent(), NpmPackages.missingReason(NpmPackages.EVERYTHING_SERVER));
        assumeTrue(filesystem.isPresent(), NpmPackages.missingReason(NpmPackages.FILESYSTEM_SERVER));
        String toml = McpSkillsTest.expert("e2e-env", "pick = [\"attemptCompletion\"]") + """

                [experts."e2e-env".skills."everything"]
                type = "mcpStdioSkill"
                command = "node"
                args = %s
                requiredEnv = ["MY_SKILL_TOKEN"]
                pick = ["get-env"]

                [experts."e2e-env".skills."filesystem"]
                type = "mcpStdioSkill"
                command = "node"
                args = %s
                requiredEnv = ["OTHER_SKILL_SECRET"]
                pick = ["list_allowed_directories"]
                """.formatted(
                McpSkillsTest.tomlArray(java.util.List.of(everything.get().resolve("dist/index.js").toString(),
                        "stdio")),
                McpSkillsTest.tomlArray(java.util.List.of(filesystem.get().resolve("dist/index.js").toString(),
                        ".")));
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"toolCalls":[{"id":"t1","name":"get-env","input":{}}]},{"text":"done"}]}""")) {
            CliRun run = s.cli().env("ANTHROPIC_API_KEY", "canary-provider-key-4411")
                    .env("MY_SKILL_TOKEN", "token-for-everything")
                    .env("OTHER_SKILL_SECRET", "canary-other-skill-8812")
                    .env("UNRELATED_HOST_VAR", "canary-host-var-3390")
                    .run("run", "e2e-env", "Show your environment", "--runtime", "local");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            String printed = run.first("resolveToolResults").toString();
            assertThat(printed).contains("MY_SKILL_TOKEN").contains("token-for-everything")
                    .doesNotContain("canary-provider-key-4411", "ANTHROPIC_API_KEY", "canary-other-skill-8812",
                            "OTHER_SKILL_SECRET", "canary-host-var-3390", "UNRELATED_HOST_VAR");
            JsonNode connected = run.ofType("skillConnected").stream()
                    .filter(e -> e.path("skillName").asText().equals("everything")).findFirst().orElseThrow();
            // Reported in the issue note: how long a published server takes to spawn, handshake and list tools.
            System.err.printf("server-everything skillConnected: spawn %d ms, handshake %d ms, tools %d ms, "
                            + "total %d ms%n", connected.path("spawnDurationMs").asLong(),
                    connected.path("handshakeDurationMs").asLong(), connected.path("toolDiscoveryDurationMs").asLong(),
                    connected.path("totalDurationMs").asLong());
        }
    }
}
