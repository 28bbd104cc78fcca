package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-57…C-62: what a run leaves on disk, that no secret is among it, and that a crash loses nothing stored. */
class StorageConformanceTest {
    @TempDir
    Path dir;

    @Test
    void localRunCreatesTheDocumentedLayout() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"hi"}]}""")) {
            CliRun run = s.run("greeter", "Say hello");
            assertThat(run.exitCode()).as(run.toString()).isZero();

            Path job = s.storage().resolve("jobs").resolve(run.jobId());
            Path runDir = job.resolve("runs").resolve(run.first("startRun").path("runId").asText());
            assertThat(job.resolve("job.json")).isRegularFile();
            assertThat(job.resolve("checkpoints")).isDirectoryContaining(p -> p.toString().endsWith(".json"));
            assertThat(runDir.resolve("run-setting.json")).isRegularFile();
            assertThat(runDir.resolve("events.jsonl")).isRegularFile();
            String checkpointId = run.last("completeRun").path("checkpoint").path("id").asText();
            assertThat(job.resolve("checkpoints").resolve(checkpointId + ".json")).isRegularFile();
        }
    }

    @Test
    void canaryCredentialsAndHeaderValuesNeverReachStorage() throws Exception {
        String toml = """
                model = "claude-sonnet-4-5"
                [provider]
                providerName = "anthropic"
                [provider.setting.headers]
                X-Canary-Header = "canary-header-value-7d1f"

                [experts."greeter"]
                instruction = "Answer."
                """;
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}]},{"text":"ok"}]}""")) {
            CliRun run = s.cli().env("ANTHROPIC_API_KEY", "canary-api-key-93ab")
                    .env("OPENAI_API_KEY", "canary-openai-key-22cd")
                    .env("PERSTACK_API_KEY", "canary-perstack-key-51ef")
                    .run("run", "greeter", "hi", "--runtime", "local");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(s.server().requests().getFirst().headers().get("x-canary-header"))
                    .containsExactly("canary-header-value-7d1f");

            List<String> canaries = List.of("canary-api-key-93ab", "canary-openai-key-22cd",
                    "canary-perstack-key-51ef", "canary-header-value-7d1f");
            try (Stream<Path> files = Files.walk(s.storage())) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    for (String canary : canaries) {
                        assertThat(text).as("%s contains %s", file, canary).doesNotContain(canary);
                    }
                }
            }
            for (String canary : canaries) {
                assertThat(run.stdout()).doesNotContain(canary);
                assertThat(run.stderr()).doesNotContain(canary);
            }
        }
    }

    @Test
    void storedStepSizeDoesNotGrowWithTheHistory() throws Exception {
        int steps = 200;
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("looper"), """
                {"replies":[{"toolCalls":[{"id":"toolu_x","name":"healthCheck","input":{}}],"repeat":%d},
                            {"text":"finished"}]}""".formatted(steps - 1))) {
            CliRun run = s.cli().timeout(Duration.ofSeconds(120))
                    .run("run", "looper", "Loop", "--runtime", "local", "--max-steps", "1000");
            assertThat(run.exitCode()).as(run.toString()).isZero();

            Path job = s.storage().resolve("jobs").resolve(run.jobId());
            List<JsonNode> calls = run.ofType("continueToNextStep");
            long early = checkpointSize(job, calls.get(9));
            long late = checkpointSize(job, calls.get(steps - 2));
            // The stored checkpoint references the log instead of copying it: a late step costs what an early one does.
            assertThat(late).isLessThan(early + 200);

            Path runDir = job.resolve("runs").resolve(run.first("startRun").path("runId").asText());
            List<String> lines = Files.readAllLines(runDir.resolve("events.jsonl"));
            List<Integer> callToolsSizes = new ArrayList<>();
            for (String line : lines) {
                if (line.contains("\"type\":\"callTools\"")) {
                    callToolsSizes.add(line.length());
                }
            }
            assertThat(callToolsSizes.getLast()).isLessThan(callToolsSizes.get(9) + 200);

            // Every stdout checkpoint is the full history: the last one has all messages of the run.
            JsonNode last = run.last("completeRun").path("checkpoint");
            assertThat(last.path("messages").size()).isGreaterThan(2 * steps);
        }
    }

    private static long checkpointSize(Path job, JsonNode event) throws IOException {
        return Files.size(job.resolve("checkpoints").resolve(event.path("checkpoint").path("id").asText() + ".json"));
    }

    @Test
    void killDuringARunLeavesParsableFilesAndAResumableCheckpoint() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("looper"), """
                {"replies":[{"toolCalls":[{"id":"toolu_x","name":"healthCheck","input":{}}],"repeat":40,
                             "delayMs":100},
                            {"text":"finished after resume"}]}""")) {
            PerstackCli.Running running = s.cli().start("run", "looper", "Loop", "--runtime", "local",
                    "--job-id", "crashy");
            Path checkpoints = s.storage().resolve("jobs/crashy/checkpoints");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(checkpoints)
                    && countFiles(checkpoints) >= 4);
            running.signal("KILL");
            running.process().waitFor();

            int stored = assertEveryStoredFileParses(s.storage().resolve("jobs/crashy"));
            assertThat(stored).isGreaterThanOrEqualTo(4);

            CliRun resumed = s.cli().run("run", "looper", "Continue the loop", "--runtime", "local",
                    "--continue-job", "crashy", "--max-steps", "1000");
            assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
            int resumedFrom = resumed.first("startRun").path("initialCheckpoint").path("stepNumber").asInt();
            assertThat(resumedFrom).isGreaterThanOrEqualTo(4);
            assertThat(resumed.jobId()).isEqualTo("crashy");
        }
    }

    @Test
    void jobKilledAtTwentyRandomPointsResumesEveryTime() throws Exception {
        java.util.Random random = new java.util.Random(20261130L);
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("looper"), """
                {"replies":[{"text":"finished after twenty kills","match":{"bodyContains":"FINISH NOW"}},
                            {"toolCalls":[{"id":"toolu_x","name":"healthCheck","input":{}}],"repeat":5000,
                             "delayMs":20}]}""")) {
            Path job = s.storage().resolve("jobs/killed");
            for (int kill = 1; kill <= 20; kill++) {
                PerstackCli.Running running = kill == 1
                        ? s.cli().start("run", "looper", "Loop", "--runtime", "local", "--job-id", "killed",
                                "--max-steps", "100000")
                        : s.cli().start("run", "looper", "Go on", "--runtime", "local", "--continue-job", "killed",
                                "--max-steps", "100000");
                if (kill == 1) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(job.resolve("checkpoints"))
                            && countFiles(job.resolve("checkpoints")) >= 1);
                }
                // Anywhere from JVM start-up to several steps in: before, during or after a step's writes.
                Thread.sleep(200 + random.nextInt(1300));
                running.signal("KILL");
                running.process().waitFor();
                assertThat(assertEveryStoredFileParses(job)).as("after kill %d", kill).isGreaterThanOrEqualTo(1);
            }
            CliRun finished = s.cli().run("run", "looper", "FINISH NOW", "--runtime", "local",
                    "--continue-job", "killed", "--max-steps", "100000");
            assertThat(finished.exitCode()).as(finished.toString()).isZero();
            assertThat(finished.last("completeRun").path("text").asText()).isEqualTo("finished after twenty kills");
            // The history the last run continued is whole: it still starts with the very first query.
            JsonNode messages = finished.last("completeRun").path("checkpoint").path("messages");
            assertThat(messages.get(1).toString()).contains("Loop");
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).count();
        }
    }

    /** Every JSON file parses; every JSONL line but a torn last one parses. Returns the number of checkpoints. */
    private static int assertEveryStoredFileParses(Path job) throws IOException {
        int checkpoints = 0;
        try (Stream<Path> files = Files.walk(job)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                String text = Files.readString(file);
                if (name.endsWith(".jsonl")) {
                    String[] lines = text.split("\n", -1);
                    for (int i = 0; i < lines.length - 1; i++) {
                        Json.mapper().readTree(lines[i]);
                    }
                } else if (name.endsWith(".json")) {
                    Json.mapper().readTree(text);
                    if (file.getParent().getFileName().toString().equals("checkpoints")) {
                        checkpoints++;
                    }
                }
            }
        }
        return checkpoints;
    }

    @Test
    void secondProcessOnTheSameJobIsRefused() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("looper"), """
                {"replies":[{"toolCalls":[{"id":"toolu_x","name":"healthCheck","input":{}}],"repeat":30,
                             "delayMs":100},{"text":"done"}]}""")) {
            PerstackCli.Running first = s.cli().start("run", "looper", "Loop", "--runtime", "local",
                    "--job-id", "shared");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Files.isDirectory(s.storage().resolve("jobs/shared/checkpoints")));

            CliRun second = s.cli().run("run", "looper", "Again", "--runtime", "local", "--continue-job", "shared");
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.stderr()).contains("Job shared is in use by another process");
            first.signal("TERM");
            CliRun stopped = first.await();
            assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(143);
        }
    }
}
