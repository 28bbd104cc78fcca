package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** SIGINT and SIGTERM stop a run cleanly: documented exit code, the job stays "running" at its last checkpoint. */
class SignalsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"INT,130", "TERM,143"})
    void signalStopsTheRunWithItsExitCodeAndKeepsTheLastCheckpoint(String signal, int exitCode) throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("looper"), """
                {"replies":[{"toolCalls":[{"id":"toolu_x","name":"healthCheck","input":{}}],"repeat":50,
                             "usage":{"input":10,"output":1},
                             "delayMs":200},{"text":"done"}]}""")) {
            PerstackCli.Running running = s.cli().start("run", "looper", "Loop", "--runtime", "local",
                    "--job-id", "stopped");
            Path checkpoints = s.storage().resolve("jobs/stopped/checkpoints");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(checkpoints)
                    && Files.list(checkpoints).count() >= 2);
            running.signal(signal);
            CliRun run = running.await();

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
            assertThat(run.stderr()).contains("Interrupted; the job's last checkpoint is kept. Continue with: "
                    + "perstack run looper \"<next query>\" --continue-job stopped --runtime local");
            int lastStep = 0;
            try (var files = Files.list(checkpoints)) {
                for (Path file : files.toList()) {
                    lastStep = Math.max(lastStep, Json.mapper().readTree(Files.readString(file)).path("stepNumber")
                            .asInt());
                }
            }
            JsonNode job = Json.mapper().readTree(s.storage().resolve("jobs/stopped/job.json").toFile());
            assertThat(job.path("status").asText()).isEqualTo("running");
            // The record says how far the job got: it is written at every checkpoint, not only at the end.
            assertThat(job.path("totalSteps").asInt()).isPositive().isGreaterThanOrEqualTo(lastStep);
            assertThat(job.path("usage").path("inputTokens").asLong()).isPositive();
            CliRun resumed = s.cli().run("run", "looper", "Go on", "--runtime", "local", "--continue-job", "stopped");
            assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        }
    }
}
