package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-63…C-66: {@code perstack log} on one recorded history (tool calls, a retry, todos and hostile text in the query
 * and the result), compared with golden outputs in which only times, the storage path and generated ids vary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogCommandTest {
    private static final String QUERY = "Inspect \u001b]0;pwned\u0007the workspace";
    private static final String RESULT = "Done \u001b[31mRED\u001b[0m \u202eevil";

    private Path dir;
    private Scenario scenario;
    private CliRun recorded;

    @BeforeAll
    void recordAHistory(@TempDir Path tempDir) {
        dir = tempDir;
        scenario = Scenario.of(dir.resolve("recorded"), """
                model = "claude-sonnet-4-5"

                [experts."logger"]
                description = "Leaves a history to inspect"
                instruction = "Inspect the workspace."
                """, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_exec","name":"exec","input":{"command":"echo","args":["hi"],"env":{},
                                 "cwd":".","stdout":true,"stderr":false}},
                                {"id":"toolu_read","name":"readTextFile","input":{"path":"missing.txt"}}]},
                  {"text":""},
                  {"toolCalls":[{"id":"toolu_todo","name":"todo","input":{"newTodos":["check logs"]}}]},
                  {"text":%s}]}""".formatted(Json.write(RESULT)));
        recorded = scenario.run("logger", QUERY, "--job-id", "logged");
        assertThat(recorded.exitCode()).as(recorded.toString()).isZero();
    }

    @AfterAll
    void stopTheServer() {
        scenario.close();
    }

    private CliRun log(String... args) {
        List<String> all = new ArrayList<>(List.of("log"));
        all.addAll(List.of(args));
        CliRun run = scenario.cli().run(all.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run;
    }

    /** Replaces what differs between recordings: times, dates, the storage path and generated run and checkpoint ids. */
    private String normalized(CliRun run) {
        return run.stdout().replace(scenario.storage().toString(), "<storage>")
                .replace(finalCheckpointId(), "<checkpoint>")
                .replaceAll("(?m)^  Checkpoint: [a-z0-9]{24}$", "  Checkpoint: <checkpoint>")
                .replaceAll("(?m)^Run: [a-z0-9]{24} ", "Run: <run> ")
                .replaceAll("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}", "<date>")
                .replaceAll("\\d{2}:\\d{2}:\\d{2}", "<time>");
    }

    private String finalCheckpointId() {
        return recorded.last("completeRun").path("checkpoint").path("id").asText();
    }

    @Test
    void typeFilterWithVerboseToolArguments() {
        assertThat(normalized(log("--job", "logged", "--type", "callTools", "--verbose"))).isEqualTo("""
                Storage: <storage>

                Job: logged (completed)
                Expert: logger
                Started: <date>
                Steps: 4
                Finished: <date>
                Cost: $0.0000 (estimate)

                Events:
                ──────────────────────────────────────────────────
                Run: <run> (logger)

                [Step 1] callTools               <time>
                  [@perstack/base] exec
                    Args: {"command":"echo","args":["hi"],"env":{},"cwd":".","stdout":true,"stderr":false}
                  [@perstack/base] readTextFile
                    Args: {"path":"missing.txt"}

                [Step 3] callTools               <time>
                  [@perstack/base] todo
                    Args: {"newTodos":["check logs"]}

                ──────────────────────────────────────────────────
                """);
    }

    @Test
    void stepFilterShowsTheRetryTheToolResultsAndTheSanitisedResult() {
        assertThat(normalized(log("--job", "logged", "--step", ">=2"))).isEqualTo("""
                Storage: <storage>

                Job: logged (completed)
                Expert: logger
                Started: <date>
                Steps: 4
                Finished: <date>
                Cost: $0.0000 (estimate)

                Events:
                ──────────────────────────────────────────────────
                Run: <run> (logger)

                [Step 2] startGeneration         <time>

                [Step 2] retry                   <time>
                  Reason: {"error":"Error: No tool call or text generated","message":"You must generate a tool call \
                or provide a response. Try again."}

                [Step 2] continueToNextStep      <time>
                  Checkpoint: <checkpoint>

                [Step 3] startGeneration         <time>

                [Step 3] callTools               <time>
                  Tools: todo

                [Step 3] resolveToolResults      <time>
                  ✓ todo: {"todos":[{"id":0,"title":"check logs","...

                [Step 3] finishToolCall          <time>

                [Step 3] continueToNextStep      <time>
                  Checkpoint: <checkpoint>

                [Step 4] startGeneration         <time>

                [Step 4] completeRun             <time>
                  Result: Done RED evil
                  Checkpoint: <checkpoint>

                ──────────────────────────────────────────────────
                """);
    }

    @Test
    void filterExpressionFansOutOverToolCalls() {
        assertThat(normalized(log("--job", "logged", "--filter", ".toolCalls[].toolName == \"exec\""))).isEqualTo("""
                Storage: <storage>

                Job: logged (completed)
                Expert: logger
                Started: <date>
                Steps: 4
                Finished: <date>
                Cost: $0.0000 (estimate)

                Events:
                ──────────────────────────────────────────────────
                Run: <run> (logger)

                [Step 1] callTools               <time>
                  Tools: exec, readTextFile

                ──────────────────────────────────────────────────
                """);
    }

    @Test
    void paginationWithContextNamesWhatIsShown() {
        assertThat(normalized(log("--job", "logged", "--take", "2", "--offset", "1", "--context", "1")))
                .isEqualTo("""
                Storage: <storage>

                Job: logged (completed)
                Expert: logger
                Started: <date>
                Steps: 4
                Finished: <date>
                Cost: $0.0000 (estimate)

                Events:
                ──────────────────────────────────────────────────
                Run: <run> (logger)

                [Step 1] startRun                <time>
                  Query: "Inspect the workspace"

                [Step 1] startGeneration         <time>

                [Step 1] callTools               <time>
                  Tools: exec, readTextFile

                [Step 1] resolveToolResults      <time>
                  ✓ exec: {"output":"hi\\n"}
                  ✗ readTextFile: {"error":"Error","message":"File missing...

                ──────────────────────────────────────────────────
                (showing 2 of 16 matched events (+2 context))
                Use --take and --offset to paginate, or --take 0 for all
                """);
    }

    @Test
    void summaryCountsEveryMatchingEventNotOnlyThePage() {
        assertThat(normalized(log("--job", "logged", "--type", "resolveToolResults", "--summary", "--take", "1")))
                .isEqualTo("""
                Storage: <storage>

                Job: logged (completed)
                Expert: logger
                Started: <date>
                Steps: 4
                Finished: <date>
                Cost: $0.0000 (estimate)

                Summary:
                  Total Events: 2
                  Errors: 0
                  Tool Calls: 2
                  Delegations: 0
                  Step Range: 1 - 3

                Events:
                ──────────────────────────────────────────────────
                Run: <run> (logger)

                [Step 1] resolveToolResults      <time>
                  ✓ exec: {"output":"hi\\n"}
                  ✗ readTextFile: {"error":"Error","message":"File missing...

                ──────────────────────────────────────────────────
                (showing 1 of 2 matched events)
                Use --take and --offset to paginate, or --take 0 for all
                """);
    }

    @Test
    void checkpointWithMessagesOfTheLatestJob() {
        assertThat(normalized(log("--checkpoint", finalCheckpointId(), "--messages", "--type", "completeRun")))
                .isEqualTo("""
                (showing latest job)

                Storage: <storage>

                Job: logged (completed)
                Expert: logger
                Started: <date>
                Steps: 4
                Finished: <date>
                Cost: $0.0000 (estimate)

                Checkpoint: <checkpoint>
                Status: completed
                Step: 4
                Expert: logger

                Messages:
                  [instructionMessage] You are a Perstack Expert: an agent that solves the user's task by calling \
                the tools available to yo...
                  [userMessage] Inspect the workspace
                  [expertMessage]\s
                  [toolMessage] {"output":"hi\\n"}
                  [userMessage] {"error":"Error: No tool call or text generated","message":"You must generate a \
                tool call or provide...
                  [expertMessage]\s
                  [toolMessage] {"todos":[{"id":0,"title":"check logs","completed":false}]}
                  [expertMessage] Done RED evil

                Events:
                ──────────────────────────────────────────────────
                Run: <run> (logger)

                [Step 4] completeRun             <time>
                  Result: Done RED evil
                  Checkpoint: <checkpoint>

                ──────────────────────────────────────────────────
                """);
    }

    @Test
    void prettyJsonCarriesWireFormEventsAndCheckpoints() throws Exception {
        CliRun run = log("--job", "logged", "--json", "--pretty", "--type", "completeRun");
        assertThat(run.stdout()).startsWith("{\n  \"job\": {\n    \"id\": \"logged\"");
        JsonNode out = Json.mapper().readTree(run.stdout());
        List<String> keys = new ArrayList<>();
        out.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("job", "events", "summary", "checkpoints", "runs", "storagePath",
                "totalEventsBeforeLimit", "matchedAfterPagination");
        assertThat(out.path("events")).hasSize(1);
        JsonNode complete = out.path("events").get(0);
        assertThat(complete.path("text").asText()).isEqualTo(RESULT);
        assertThat(complete).isEqualTo(recorded.last("completeRun"));
        assertThat(out.path("summary").toString())
                .isEqualTo("{\"totalEvents\":1,\"errorCount\":0,\"toolCallCount\":0,\"delegationCount\":0,"
                        + "\"stepRange\":{\"min\":4,\"max\":4}}");
        assertThat(out.path("totalEventsBeforeLimit").asInt()).isEqualTo(1);
        assertThat(out.path("matchedAfterPagination").asInt()).isEqualTo(1);
        assertThat(out.path("storagePath").asText()).isEqualTo(scenario.storage().toString());
        JsonNode last = out.path("checkpoints").get(out.path("checkpoints").size() - 1);
        assertThat(last.has("messageRef")).isFalse();
        assertThat(last).isEqualTo(recorded.last("completeRun").path("checkpoint"));
        assertThat(out.path("runs")).hasSize(1);
        assertThat(out.path("runs").get(0).path("expertKey").asText()).isEqualTo("logger");
        // Control characters and bidi overrides stay escaped in JSON: neither reaches the terminal raw.
        assertThat(run.stdout()).contains("\\u001b[31mRED", "\\u202eevil").doesNotContain("\u001b", "\u202e");
    }

    @Test
    void terminalOutputCarriesNoControlSequenceFromTheHistory() {
        String runId = recorded.first("startRun").path("runId").asText();
        CliRun run = log("--run", runId, "--take", "0");
        assertThat(run.stdout()).startsWith("(showing latest job)\n");
        assertThat(run.stdout()).contains("Query: \"Inspect the workspace\"", "Result: Done RED evil",
                "✗ readTextFile: ", "✓ exec: {\"output\":\"hi");
        byte[] bytes = run.stdout().getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            assertThat(b).as("no ESC, BEL, CR or other C0 control but newline").isNotIn((byte) 0x1b, (byte) 0x07,
                    (byte) 0x0d, (byte) 0x00);
        }
        assertThat(run.stdout()).doesNotContain("\u202e", "\u009b", "pwned");
    }

    @Test
    void jobWithoutItsRecordIsPutTogetherFromCheckpoints() throws Exception {
        Path copy = dir.resolve("copy");
        Path jobs = copy.resolve("perstack/jobs");
        Files.createDirectories(jobs);
        copyTree(scenario.storage().resolve("jobs/logged"), jobs.resolve("logged"));
        Files.delete(jobs.resolve("logged/job.json"));
        CliRun run = new PerstackCli(copy).run("log", "--type", "completeRun");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).startsWith("(showing latest job)\n").contains("Job: logged (completed)",
                "Expert: logger", "Steps: 4", "[Step 4] completeRun").doesNotContain("Finished:");
    }

    @Test
    void helpNamesTheCommandAndItsOptions() {
        CliRun help = log("--help");
        assertThat(help.stdout()).contains("View execution history", "--job", "--run", "--checkpoint", "--errors",
                "--tools", "--json", "--take", "--offset", "--context", "--filter", "--summary", "--messages");
    }

    @Test
    void emptyStorageHasNoData() {
        Path empty = dir.resolve("empty");
        for (List<String> args : List.of(List.of("--errors"), List.of("--tools"), List.of("--step", "1-3"))) {
            List<String> all = new ArrayList<>(List.of("log"));
            all.addAll(args);
            CliRun run = new PerstackCli(dir).env("PERSTACK_STORAGE_PATH", empty.toString())
                    .run(all.toArray(String[]::new));
            assertThat(run.exitCode()).as(args + ": " + run).isZero();
            assertThat(run.stdout()).as(args.toString()).isEqualTo("No data found\n");
        }
        assertThat(empty).doesNotExist();
    }

    @Test
    void unknownJobIsAnErrorThatNamesTheStorageAndSuggestsCloseIds() {
        CliRun run = scenario.cli().run("log", "--job", "loged");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("Error: Job loged not found in " + scenario.storage() + "\n",
                "Did you mean: logged?");
    }

    @Test
    void malformedOptionsAreRefusedWithTheirMessages() {
        record Case(List<String> args, String message) {}
        for (Case c : List.of(
                new Case(List.of("--step", "5-2"), "Error: Invalid step range: 5-2 (min 5 > max 2)"),
                new Case(List.of("--step", "abc"), "Error: Invalid step filter: abc"),
                new Case(List.of("--filter", "x == 1"), "Error: Invalid filter expression: x == 1"),
                new Case(List.of("--filter", ".a =="), "Error: Missing value in filter expression: .a =="),
                new Case(List.of("--take", "-1"), "Error: Invalid value for --take: \"-1\" must be non-negative"),
                new Case(List.of("--offset", "ten"), "Error: Invalid value for --offset: \"ten\" is not a valid number"),
                new Case(List.of("--job", "../../x"), "Error: Invalid job id: ../../x"))) {
            List<String> all = new ArrayList<>(List.of("log"));
            all.addAll(c.args());
            CliRun run = scenario.cli().run(all.toArray(String[]::new));
            assertThat(run.exitCode()).as(c.args() + ": " + run).isEqualTo(1);
            assertThat(run.stderr()).as(c.args().toString()).contains(c.message());
            assertThat(run.stdout()).isEmpty();
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
