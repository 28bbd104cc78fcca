package io.perstack.cli.conformance;

import static io.perstack.cli.conformance.DelegationTest.completeOf;
import static io.perstack.cli.conformance.DelegationTest.delegationTrace;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.llm.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-02…C-05 and the bad inputs of continuation: --continue, --continue-job, --resume-from, branching. */
class ContinueResumeTest {
    /** A coordinator with two parallel children, one of which delegates once more: three levels. */
    static final String THREE_LEVELS = """
            model = "claude-sonnet-4-5"

            [experts."coordinator"]
            description = "Coordinates"
            instruction = "Split the work between research and writing."
            delegates = ["researcher", "writer"]

            [experts."researcher"]
            description = "Researches"
            instruction = "Ask the fact checker."
            delegates = ["fact-checker"]

            [experts."writer"]
            description = "Writes"
            instruction = "Write."

            [experts."fact-checker"]
            description = "Checks facts"
            instruction = "Check."
            """;

    @TempDir
    Path dir;

    @Test
    void threeLevelJobWithParallelChildrenContinuesAndBranchesFromAnEarlierCheckpoint() throws Exception {
        try (Scenario s = Scenario.of(dir, THREE_LEVELS, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_r","name":"researcher","input":{"query":"RESEARCH-QUERY"}},
                                {"id":"toolu_w","name":"writer","input":{"query":"WRITE-QUERY"}}]},
                  {"match":{"bodyContains":"RESEARCH-QUERY"},
                   "toolCalls":[{"id":"toolu_f","name":"fact-checker","input":{"query":"FACT-QUERY"}}]},
                  {"match":{"bodyContains":"FACT-QUERY"},"text":"FACT-RESULT"},
                  {"match":{"bodyContains":"FACT-RESULT"},"text":"RESEARCH-RESULT"},
                  {"match":{"bodyContains":"WRITE-QUERY"},"delayMs":300,"text":"WRITE-RESULT"},
                  {"match":{"bodyContains":"FIRST-QUERY"},"text":"FIRST-ANSWER"},
                  {"match":{"bodyContains":"SECOND-QUERY"},"text":"SECOND-ANSWER"},
                  {"match":{"bodyContains":"BRANCH-QUERY"},"text":"BRANCH-ANSWER"}]}""")) {
            CliRun first = s.run("coordinator", "FIRST-QUERY");

            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(first.count("completeRun")).isEqualTo(4);
            assertThat(delegationTrace(first)).containsSubsequence("stopRunByDelegate:researcher",
                    "startRun:fact-checker", "completeRun:fact-checker", "startRun:researcher",
                    "completeRun:researcher");
            assertThat(delegationTrace(first).getLast()).isEqualTo("completeRun:coordinator");
            // The grandchild's result went to the researcher, and only the researcher's to the coordinator.
            assertThat(completeOf(first, "researcher").path("stepNumber").asInt()).isEqualTo(5);
            assertThat(completeOf(first, "coordinator").path("stepNumber").asInt()).isEqualTo(7);
            JsonNode firstDone = completeOf(first, "coordinator").path("checkpoint");
            assertThat(firstDone.toString()).contains("RESEARCH-RESULT", "WRITE-RESULT").doesNotContain("FACT-RESULT");

            Path checkpoints = s.storage().resolve("jobs").resolve(first.jobId()).resolve("checkpoints");
            Map<Path, byte[]> before = contents(checkpoints);

            CliRun second = s.run("coordinator", "SECOND-QUERY", "--continue-job", first.jobId());
            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.first("startRun").path("stepNumber").asInt()).isEqualTo(8);
            assertThat(second.last("completeRun").path("text").asText()).isEqualTo("SECOND-ANSWER");
            RecordedRequest secondRequest = requestContaining(s, "SECOND-QUERY");
            assertThat(secondRequest.bodyText()).contains("FIRST-QUERY", "FIRST-ANSWER", "RESEARCH-RESULT");

            // C-04: branch from the first run's final checkpoint: history as it was then, not the continuation.
            CliRun branch = s.run("coordinator", "BRANCH-QUERY", "--continue-job", first.jobId(),
                    "--resume-from", firstDone.path("id").asText());
            assertThat(branch.exitCode()).as(branch.toString()).isZero();
            assertThat(branch.jobId()).isEqualTo(first.jobId());
            assertThat(branch.first("startRun").path("stepNumber").asInt()).isEqualTo(8);
            assertThat(branch.last("completeRun").path("text").asText()).isEqualTo("BRANCH-ANSWER");
            RecordedRequest branchRequest = requestContaining(s, "BRANCH-QUERY");
            assertThat(branchRequest.bodyText()).contains("FIRST-ANSWER").doesNotContain("SECOND-QUERY")
                    .doesNotContain("SECOND-ANSWER");
            assertThat(branchRequest.body().path("messages").size())
                    .isEqualTo(secondRequest.body().path("messages").size());

            // The abandoned branch is untouched on disk; the job now has the runs of both branches.
            Map<Path, byte[]> after = contents(checkpoints);
            before.forEach((file, bytes) -> assertThat(after.get(file)).as(file.toString()).isEqualTo(bytes));
            assertThat(after).hasSize(before.size() + 2);
            CliRun log = s.cli().run("log", "--job", first.jobId(), "--type", "startRun", "--take", "0");
            assertThat(log.exitCode()).as(log.toString()).isZero();
            assertThat(log.stdout()).contains("Query: \"SECOND-QUERY\"", "Query: \"BRANCH-QUERY\"");
            CliRun delegations = s.cli().run("log", "--job", first.jobId(), "--delegations", "--summary");
            assertThat(delegations.stdout()).contains("  Delegations: 4", "  Delegate to: researcher",
                    "  Delegate to: writer", "  Delegate to: fact-checker");
        }
    }

    @Test
    void continueTakesTheJobUpdatedLastAndRefusesAnotherExpertsCheckpoint() {
        String toml = Scenario.oneExpert("greeter") + """

                [experts."other"]
                instruction = "Other."
                """;
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"text":"one"},{"text":"two"},{"text":"one again"},{"text":"latest is one"}]}""")) {
            CliRun none = s.run("greeter", "hi", "--continue");
            assertThat(none.exitCode()).isEqualTo(1);
            assertThat(none.stderr()).contains("No checkpoint found: there is no job to continue in "
                    + s.storage().resolve("jobs"));

            CliRun one = s.run("greeter", "first", "--job-id", "job-one");
            CliRun two = s.run("greeter", "second", "--job-id", "job-two");
            CliRun oneAgain = s.run("greeter", "first again", "--continue-job", "job-one");
            assertThat(List.of(one.exitCode(), two.exitCode(), oneAgain.exitCode())).containsOnly(0);

            // job-two started last, but job-one was updated last.
            CliRun latest = s.run("greeter", "which?", "--continue", "--job-id", "ignored-id");
            assertThat(latest.exitCode()).as(latest.toString()).isZero();
            assertThat(latest.jobId()).isEqualTo("job-one");
            assertThat(latest.first("startRun").path("stepNumber").asInt()).isEqualTo(3);

            CliRun mismatch = s.run("other", "hi", "--continue-job", "job-two");
            assertThat(mismatch.exitCode()).isEqualTo(1);
            assertThat(mismatch.stderr()).contains("Checkpoint expert key greeter does not match input expert key other");

            CliRun typo = s.run("greeter", "hi", "--continue-job", "job-tow");
            assertThat(typo.exitCode()).isEqualTo(1);
            assertThat(typo.stderr()).contains("No checkpoint found: there is no job \"job-tow\" in "
                    + s.storage().resolve("jobs") + ". Did you mean \"job-two\"?", "Jobs there, newest first: job-one");
        }
    }

    @Test
    void badContinuationArgumentsAreRefusedWithTheirMessages() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"hello"},{"text":"after the torn line"}]}""")) {
            CliRun resumeAlone = s.run("greeter", "hi", "--resume-from", "abc");
            assertThat(resumeAlone.exitCode()).isEqualTo(1);
            assertThat(resumeAlone.stderr()).contains("--resume-from requires --continue-job");

            CliRun interactiveAlone = s.run("greeter", "answer", "-i");
            assertThat(interactiveAlone.exitCode()).isEqualTo(1);
            assertThat(interactiveAlone.stderr()).contains("-i requires --continue or --continue-job");

            CliRun badCheckpoint = s.run("greeter", "hi", "--continue-job", "some-job", "--resume-from", "../x");
            assertThat(badCheckpoint.exitCode()).isEqualTo(1);
            assertThat(badCheckpoint.stderr()).contains("Invalid checkpoint id: ../x");
            CliRun badJob = s.run("greeter", "hi", "--continue-job", "../../x");
            assertThat(badJob.exitCode()).isEqualTo(1);
            assertThat(badJob.stderr()).contains("Invalid job id: ../../x");

            CliRun done = s.run("greeter", "hi", "--job-id", "torn");
            assertThat(done.exitCode()).as(done.toString()).isZero();
            CliRun missing = s.run("greeter", "hi", "--continue-job", "torn", "--resume-from", "nonexistent");
            assertThat(missing.exitCode()).isEqualTo(1);
            String last = done.last("completeRun").path("checkpoint").path("id").asText();
            assertThat(missing.stderr()).contains("No checkpoint found: checkpoint \"nonexistent\" is not in job "
                    + "\"torn\" (" + s.storage().resolve("jobs/torn/checkpoints") + ").", "Its checkpoints: " + last);

            // A crash during an append leaves a torn last line; readers ignore it and the job continues.
            Path runDir = s.storage().resolve("jobs/torn/runs").resolve(done.first("startRun").path("runId").asText());
            for (String file : List.of("events.jsonl", "messages.jsonl", "runtime-events.jsonl")) {
                Files.writeString(runDir.resolve(file), "{\"type\":\"torn", StandardCharsets.UTF_8,
                        StandardOpenOption.APPEND);
            }
            CliRun log = s.cli().run("log", "--job", "torn");
            assertThat(log.exitCode()).as(log.toString()).isZero();
            assertThat(log.stdout()).contains("completeRun");
            CliRun resumed = s.run("greeter", "more", "--continue-job", "torn");
            assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
            assertThat(resumed.last("completeRun").path("text").asText()).isEqualTo("after the torn line");
            assertThat(s.server().requests().getLast().bodyText()).contains("hello", "more");
        }
    }

    private static RecordedRequest requestContaining(Scenario s, String text) {
        return s.server().requests().stream().filter(r -> r.bodyText().contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no request containing " + text));
    }

    private static Map<Path, byte[]> contents(Path dir) throws IOException {
        Map<Path, byte[]> out = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName(), Files.readAllBytes(f));
            }
        }
        return out;
    }
}
