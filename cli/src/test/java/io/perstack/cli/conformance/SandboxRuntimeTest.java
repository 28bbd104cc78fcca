package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-72 and the sandbox backend end to end: the default runtime, fail-closed selection, and {@code exec} running
 * inside bubblewrap with canary secrets in the runtime's environment, the workspace {@code .env} and the host home.
 */
class SandboxRuntimeTest {
    private static final String ENV_CANARY = "canary-runtime-env-7f3a";
    private static final String DOTENV_CANARY = "canary-dotenv-91bc";
    private static final String HOME_CANARY = "canary-host-home-c0de";

    @TempDir
    Path dir;

    @TempDir
    Path home;

    @TempDir
    Path noBwrap;

    private static String execCall(String id, String script) {
        return """
                {"toolCalls":[{"id":"%s","name":"exec","input":{"command":"/bin/sh","args":["-c",%s]}}]}"""
                .formatted(id, com.fasterxml.jackson.databind.node.TextNode.valueOf(script).toString());
    }

    @Test
    void withoutBubblewrapTheDefaultRuntimeStopsBeforeAnythingRuns() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[{\"text\":\"hi\"}]}")) {
            CliRun run = s.cli().env("PATH", noBwrap.toString()).run("run", "greeter", "Say hello");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.stderr()).startsWith("The default runtime \"sandbox\" needs bubblewrap (bwrap), which "
                    + "was not found on PATH.\nInstall it (Debian/Ubuntu: sudo apt-get install bubblewrap;");
            assertThat(run.stderr()).contains("--runtime local (no isolation)");
            assertThat(run.events()).isEmpty();
            assertThat(s.server().requests()).isEmpty();
        }
    }

    @Test
    void anExplicitSandboxRuntimeAlsoFailsClosedWithoutBubblewrap() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[{\"text\":\"hi\"}]}")) {
            CliRun run = s.cli().env("PATH", noBwrap.toString()).run("run", "greeter", "Say hello", "--runtime",
                    "sandbox");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).startsWith("The runtime \"sandbox\" needs bubblewrap (bwrap)");
            assertThat(s.server().requests()).isEmpty();
        }
    }

    @Test
    void theDefaultRuntimeIsSandboxAndExecRunsInsideItWithoutAnyCanary() throws IOException {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\n" + HOME_CANARY);
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/credentials"), "aws_secret_access_key=" + HOME_CANARY);
        String script = "id -u; pwd; hostname; env; cat /workspace/.env; ls -A /workspace/perstack; "
                + "cat " + home + "/.ssh/id_rsa " + home + "/.aws/credentials /etc/shadow 2>&1; "
                + "cat /proc/1/environ /proc/self/environ | tr '\\0' '\\n'";
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("prober"), """
                {"replies":[%s,{"text":"done"}]}""".formatted(execCall("toolu_1", script)))) {
            Scenario.write(dir.resolve(".env"), "DOTENV_SECRET=" + DOTENV_CANARY + "\n");
            CliRun run = s.cli().env("HOME", home.toString()).env("GITHUB_TOKEN", ENV_CANARY)
                    .env("AWS_SECRET_ACCESS_KEY", ENV_CANARY).timeout(Duration.ofSeconds(120))
                    .run("run", "prober", "Probe the sandbox");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.first("initializeRuntime").path("runtime").asText()).isEqualTo("sandbox");
            String output = toolOutput(run);
            assertThat(output.lines().limit(3).toList()).containsExactly("1000", "/workspace", "perstack");
            assertThat(output).contains("HOME=/home/perstack", "HTTPS_PROXY=http://127.0.0.1:3128")
                    .contains("No such file or directory");
            assertNoCanary(run, s.dir());
            assertThat(run.stdout() + output).doesNotContain(Scenario.DUMMY_KEY);
        }
    }

    @Test
    void aPublishedMcpServerRunsAsASkillInsideTheSandboxAndSeesNoCanary() throws IOException {
        java.util.Optional<Path> everything = io.perstack.testkit.mcp.NpmPackages.locate(
                io.perstack.testkit.mcp.NpmPackages.EVERYTHING_SERVER);
        org.junit.jupiter.api.Assumptions.assumeTrue(everything.isPresent(),
                io.perstack.testkit.mcp.NpmPackages.missingReason(io.perstack.testkit.mcp.NpmPackages.EVERYTHING_SERVER));
        // Only the workspace is visible inside: the server and its dependencies are copied there.
        Path modules = everything.get().getParent().getParent();
        copyTree(modules, dir.resolve("node_modules"));
        String toml = """
                [experts."npm-in-sandbox"]
                instruction = "Show the environment."

                [experts."npm-in-sandbox".skills."@perstack/base"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "@perstack/base"
                pick = ["attemptCompletion"]

                [experts."npm-in-sandbox".skills."everything"]
                type = "mcpStdioSkill"
                command = "node"
                args = ["node_modules/@modelcontextprotocol/server-everything/dist/index.js", "stdio"]
                requiredEnv = ["MY_SKILL_TOKEN"]
                pick = ["get-env"]
                """;
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"toolCalls":[{"id":"t1","name":"get-env","input":{}}]},{"text":"done"}]}""")) {
            Scenario.write(dir.resolve(".env"), "DOTENV_SECRET=" + DOTENV_CANARY + "\n");
            CliRun run = s.cli().env("HOME", home.toString()).env("GITHUB_TOKEN", ENV_CANARY)
                    .env("MY_SKILL_TOKEN", "token-for-everything").timeout(Duration.ofSeconds(120))
                    .run("run", "npm-in-sandbox", "Show your environment");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.first("initializeRuntime").path("runtime").asText()).isEqualTo("sandbox");
            assertThat(run.ofType("skillConnected")).anyMatch(e -> e.path("skillName").asText().equals("everything"));
            String printed = run.first("resolveToolResults").toString();
            assertThat(printed).contains("token-for-everything", "/home/perstack").doesNotContain("GITHUB_TOKEN");
            assertNoCanary(run, s.dir());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else if (Files.isSymbolicLink(source)) {
                    Files.copy(source, target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private static String toolOutput(CliRun run) {
        for (JsonNode results : run.ofType("resolveToolResults")) {
            for (JsonNode text : results.findValues("text")) {
                if (text.asText().startsWith("{\"output\"")) {
                    try {
                        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text.asText())
                                .path("output").asText();
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        throw new AssertionError("no exec result in " + run);
    }

    private static void assertNoCanary(CliRun run, Path workspace) throws IOException {
        List<String> canaries = List.of(ENV_CANARY, DOTENV_CANARY, HOME_CANARY);
        for (String canary : canaries) {
            assertThat(run.stdout()).doesNotContain(canary);
            assertThat(run.stderr()).doesNotContain(canary);
        }
        List<Path> stored = new ArrayList<>();
        try (Stream<Path> files = Files.walk(workspace.resolve("perstack"))) {
            files.filter(Files::isRegularFile).forEach(stored::add);
        }
        assertThat(stored).isNotEmpty();
        for (Path file : stored) {
            String text = Files.readString(file);
            for (String canary : canaries) {
                assertThat(text).as("%s", file).doesNotContain(canary);
            }
        }
    }
}
