package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-31, C-73, C-74: defaults, usage errors and the flags of {@code perstack run}. */
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void runHelpStatesTheRealDefaults() {
        CliRun help = new PerstackCli(dir).run("run", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("expertKey", "query", "default: 100", "default: 300000", "default: 5",
                "default: low");
    }

    @Test
    void initializeRuntimeShowsTheDefaultLimits() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"hi"}]}""")) {
            CliRun run = s.run("greeter", "Say hello");

            JsonNode init = run.first("initializeRuntime");
            assertThat(init.path("maxSteps").asInt()).isEqualTo(100);
            assertThat(init.path("maxRetries").asInt()).isEqualTo(5);
            assertThat(init.path("timeout").asLong()).isEqualTo(300000);
            assertThat(init.path("runtime").asText()).isEqualTo("local");
            assertThat(init.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        }
    }

    @Test
    void versionPrintsASemanticVersion() {
        CliRun version = new PerstackCli(dir).run("--version");

        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout().strip()).matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
    }

    @Test
    void helpListsTheCommands() {
        CliRun help = new PerstackCli(dir).run("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("run");

        CliRun helpCommand = new PerstackCli(dir).run("help");
        assertThat(helpCommand.exitCode()).as(helpCommand.toString()).isZero();
        assertThat(helpCommand.stdout()).contains("run", "log", "install", "help");
        CliRun helpRun = new PerstackCli(dir).run("help", "run");
        assertThat(helpRun.exitCode()).as(helpRun.toString()).isZero();
        assertThat(helpRun.stdout()).contains("--max-steps", "--continue-job");
    }

    @Test
    void runWithoutArgumentsOrWithOnlyAKeyIsAUsageErrorWithExitOne() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            assertThat(s.cli().run("run").exitCode()).isEqualTo(1);
            CliRun onlyKey = s.cli().run("run", "greeter");
            assertThat(onlyKey.exitCode()).isEqualTo(1);
            assertThat(onlyKey.stderr()).contains("query");
            assertThat(s.server().requests()).isEmpty();
        }
    }

    @Test
    void unknownExpertFailsBeforeAnyGeneration() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            CliRun run = s.run("nobody", "Say hello");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("nobody").doesNotContain("\tat ");
            CliRun typo = s.run("greter", "Say hello");
            assertThat(typo.stderr()).contains("Expert \"greter\" not found in ", "Did you mean \"greeter\"?");
            assertThat(s.server().requests()).isEmpty();
        }
    }

    @Test
    void missingConfigNamesTheFile() {
        CliRun run = new PerstackCli(dir).run("run", "greeter", "hi", "--runtime", "local");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("perstack.toml not found").doesNotContain("\tat ");
    }

    @Test
    void missingApiKeyIsReportedByName() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            CliRun run = s.cli().env("ANTHROPIC_API_KEY", null).run("run", "greeter", "hi", "--runtime", "local");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr().strip().lines().toList()).last().isEqualTo("ANTHROPIC_API_KEY is not set");
        }
    }

    @Test
    void plainHttpProviderUrlIsRefusedForNonLoopbackHosts() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            CliRun run = s.cli().env("ANTHROPIC_BASE_URL", "http://example.com/v1")
                    .run("run", "greeter", "hi", "--runtime", "local");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("ANTHROPIC_BASE_URL: URL must use HTTPS");
        }
    }

    @Test
    void runFlagsAreAcceptedAndJobIdBecomesTheJobId() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"hi"}]}""")) {
            CliRun run = s.run("greeter", "Say hello", "--provider", "anthropic", "--model", "claude-haiku-4-5",
                    "--max-steps", "7", "--max-retries", "2", "--timeout", "60000", "--job-id", "my-job_1",
                    "--env-path", ".env.custom", "--verbose");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.jobId()).isEqualTo("my-job_1");
            JsonNode init = run.first("initializeRuntime");
            assertThat(init.path("maxSteps").asInt()).isEqualTo(7);
            assertThat(init.path("maxRetries").asInt()).isEqualTo(2);
            assertThat(init.path("timeout").asLong()).isEqualTo(60000);
            assertThat(s.server().requests().getFirst().body().path("model").asText()).isEqualTo("claude-haiku-4-5");
        }
    }

    @Test
    void invalidProviderOrRuntimeValuesExitOneWithTheValidationShape() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            CliRun provider = s.cli().run("run", "greeter", "hi", "--provider", "nope");
            assertThat(provider.exitCode()).isEqualTo(1);
            assertThat(provider.stderr()).contains("Validation failed:", "  - provider: ");

            CliRun runtime = s.cli().run("run", "greeter", "hi", "--runtime", "moon");
            assertThat(runtime.exitCode()).isEqualTo(1);
            assertThat(runtime.stderr()).contains("  - runtime: ");

            CliRun docker = s.cli().run("run", "greeter", "hi", "--runtime", "docker");
            assertThat(docker.exitCode()).isEqualTo(1);
            assertThat(docker.stderr()).contains("Runtime \"docker\" is not built in this version");
            assertThat(s.server().requests()).isEmpty();

            CliRun cursor = s.cli().run("run", "greeter", "hi", "--runtime", "cursor");
            assertThat(cursor.exitCode()).isEqualTo(1);
            assertThat(cursor.stderr()).contains("Runtime \"cursor\" is not available. Available runtimes: "
                    + "local, sandbox (docker is not built in this version)");

            CliRun steps = s.cli().run("run", "greeter", "hi", "--max-steps", "abc", "--reasoning-budget", "huge",
                    "--max-retries", "-1", "--max-cost-usd", "0");
            assertThat(steps.exitCode()).isEqualTo(1);
            assertThat(steps.stderr()).contains("Validation failed:",
                    "  - reasoningBudget: Expected one of \"none\", \"minimal\", \"low\", \"medium\", \"high\" or an "
                            + "integer >= 0; received \"huge\"",
                    "  - maxSteps: Expected integer, received string", "  - maxRetries: Must be at least 0",
                    "  - maxCostUsd: Must be greater than 0");
        }
    }

    @Test
    void runtimeIsTakenFromTheConfigWhenNoFlagIsGiven() {
        try (Scenario s = Scenario.of(dir, "runtime = \"local\"\n" + Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"hi"}]}""")) {
            CliRun run = s.cli().run("run", "greeter", "Say hello");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.first("initializeRuntime").path("runtime").asText()).isEqualTo("local");
        }
    }

    @Test
    void processEnvironmentBeatsTheFirstEnvFileWhichBeatsTheLaterOne() {
        // The provider key is read through the merged environment: which value reaches the server shows precedence.
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"one"},{"text":"two"}]}""")) {
            Scenario.write(dir.resolve(".env"), "ANTHROPIC_API_KEY=from-first-file\n");
            Scenario.write(dir.resolve(".env.local"), "ANTHROPIC_API_KEY=from-later-file\n");

            CliRun fromFile = s.cli().env("ANTHROPIC_API_KEY", null).run("run", "greeter", "hi", "--runtime", "local");
            assertThat(fromFile.exitCode()).as(fromFile.toString()).isZero();
            assertThat(s.server().requests().get(0).headers().get("x-api-key")).containsExactly("from-first-file");

            CliRun fromProcess = s.cli().env("ANTHROPIC_API_KEY", Scenario.DUMMY_KEY)
                    .run("run", "greeter", "hi", "--runtime", "local");
            assertThat(fromProcess.exitCode()).as(fromProcess.toString()).isZero();
            assertThat(s.server().requests().get(1).headers().get("x-api-key")).containsExactly(Scenario.DUMMY_KEY);
        }
    }

    @Test
    void invalidJobIdIsRefusedAndNothingIsCreated() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            CliRun run = s.run("greeter", "hi", "--job-id", "../../x");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("Invalid job id: ../../x");
            assertThat(s.storage()).doesNotExist();
            assertThat(dir.getParent().resolve("x")).doesNotExist();
        }
    }
}
