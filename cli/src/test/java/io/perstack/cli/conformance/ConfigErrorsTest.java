package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.testkit.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-34, C-35 and friends: configuration errors reach the user as one clear message, never a stack trace. */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    @Test
    void configOneByteOverTheLimitIsRefusedWithItsSize() {
        StringBuilder toml = new StringBuilder(Scenario.oneExpert("greeter")).append("# ");
        while (toml.length() < 1_048_577) {
            toml.append('x');
        }
        toml.setLength(1_048_577);
        try (Scenario s = Scenario.of(dir, toml.toString(), "{\"replies\":[]}")) {
            CliRun run = s.run("greeter", "hi");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("perstack.toml is too large (1048577 bytes; limit 1048576)");
            assertThat(s.server().requests()).isEmpty();
        }
    }

    @Test
    void invalidAllowedDomainIsReportedWithItsDottedPath() {
        String toml = Scenario.oneExpert("greeter") + """

                [experts."greeter".skills."web"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "some-mcp-server"
                allowedDomains = ["not a domain!"]
                """;
        try (Scenario s = Scenario.of(dir, toml, "{\"replies\":[]}")) {
            CliRun run = s.run("greeter", "hi");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("perstack.toml: Validation failed:\n")
                    .contains("  - experts.greeter.skills.web.allowedDomains.0: Invalid domain pattern")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void everyProblemIsListedNotOnlyTheFirst() {
        String toml = """
                maxSteps = 0
                maxRetries = -1

                [experts."greeter"]
                instruction = "hi"
                """;
        try (Scenario s = Scenario.of(dir, toml, "{\"replies\":[]}")) {
            CliRun run = s.run("greeter", "hi");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("  - maxSteps: ", "  - maxRetries: ");
        }
    }

    @Test
    void syntaxErrorNamesFileLineAndColumn() {
        try (Scenario s = Scenario.of(dir, "model = \"x\"\n[experts.\"greeter\"\ninstruction = 1\n",
                "{\"replies\":[]}")) {
            CliRun run = s.run("greeter", "hi");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("perstack.toml").containsPattern("line 2").doesNotContain("\tat ");
        }
    }

    @Test
    void givenConfigPathThatDoesNotExistIsNamed() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            CliRun run = s.run("greeter", "hi", "--config", "missing/perstack.toml");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("Given config path \"missing/perstack.toml\" is not found");
        }
    }

    @Test
    void remoteConfigOverPlainHttpIsRefused() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            CliRun http = s.run("greeter", "hi", "--config", "http://raw.githubusercontent.com/a/b/perstack.toml");
            assertThat(http.stderr()).contains("Remote config requires HTTPS");

            CliRun otherHost = s.run("greeter", "hi", "--config", "https://example.com/perstack.toml");
            assertThat(otherHost.exitCode()).isEqualTo(1);
            assertThat(otherHost.stderr()).contains("Remote config only allowed from: raw.githubusercontent.com");
        }
    }

    @Test
    void configIsFoundByUpwardSearch() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"found it"}]}""")) {
            Path nested = java.nio.file.Files.createDirectories(dir.resolve("a/b"));
            CliRun run = new io.perstack.testkit.cli.PerstackCli(nested)
                    .env("ANTHROPIC_API_KEY", Scenario.DUMMY_KEY)
                    .env("ANTHROPIC_BASE_URL", s.server().anthropicBaseUrl())
                    .run("run", "greeter", "hi", "--runtime", "local");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("found it");
        }
    }
}
