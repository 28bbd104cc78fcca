package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.llm.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-10…C-14: delegates as tools, chains, parallel children, failures of children and unknown delegates. */
class DelegationTest {
    static final String CHAIN = """
            model = "claude-sonnet-4-5"

            [experts."e2e-delegate-chain"]
            description = "Starts the chain"
            instruction = "Delegate the task to level one."
            delegates = ["e2e-delegate-level1"]

            [experts."e2e-delegate-level1"]
            description = "Middle of the chain"
            instruction = "Delegate the task to level two."
            delegates = ["e2e-delegate-level2"]

            [experts."e2e-delegate-level2"]
            description = "End of the chain"
            instruction = "Answer the task."
            """;

    static final String PARALLEL = """
            model = "claude-sonnet-4-5"

            [experts."e2e-parallel-delegate"]
            description = "Splits work"
            instruction = "Delegate math and text work in parallel."
            delegates = ["e2e-delegate-math", "e2e-delegate-text"]

            [experts."e2e-delegate-math"]
            description = "Does arithmetic"
            instruction = "Compute."

            [experts."e2e-delegate-text"]
            description = "Writes text"
            instruction = "Write."
            """;

    @TempDir
    Path dir;

    @Test
    void chainOfThreeRunsDownAndBackUpWithContinuousStepsAndIsolatedContexts() throws Exception {
        try (Scenario s = Scenario.of(dir, CHAIN, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_a","name":"e2e-delegate-level1","input":{"query":"LEVEL1-QUERY"}}],
                   "usage":{"input":10,"output":1}},
                  {"toolCalls":[{"id":"toolu_b","name":"e2e-delegate-level2","input":{"query":"LEVEL2-QUERY"}}],
                   "usage":{"input":100,"output":2}},
                  {"text":"LEVEL2-RESULT","usage":{"input":1000,"output":3}},
                  {"text":"LEVEL1-RESULT","usage":{"input":10000,"output":4}},
                  {"text":"CHAIN-RESULT","usage":{"input":100000,"output":5}},
                  {"text":"LEVEL2-ALONE"}]}""")) {
            CliRun run = s.run("e2e-delegate-chain", "CHAIN-QUERY");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.count("retry")).isZero();
            assertThat(delegationTrace(run)).containsExactly(
                    "startRun:e2e-delegate-chain", "callDelegate:e2e-delegate-chain",
                    "stopRunByDelegate:e2e-delegate-chain",
                    "startRun:e2e-delegate-level1", "callDelegate:e2e-delegate-level1",
                    "stopRunByDelegate:e2e-delegate-level1",
                    "startRun:e2e-delegate-level2", "completeRun:e2e-delegate-level2",
                    "startRun:e2e-delegate-level1", "completeRun:e2e-delegate-level1",
                    "startRun:e2e-delegate-chain", "completeRun:e2e-delegate-chain");
            assertThat(run.count("completeRun")).isEqualTo(3);

            // C-11: each child starts one step after its parent stopped; each parent resumes after the child's last
            // (and needs one more step to write the tool message before it generates again).
            assertThat(steps(run, "startRun")).containsExactly(1, 2, 3, 4, 6);
            assertThat(steps(run, "stopRunByDelegate")).containsExactly(1, 2);
            assertThat(steps(run, "completeRun")).containsExactly(3, 5, 7);
            JsonNode job = Json.mapper().readTree(s.storage().resolve("jobs").resolve(run.jobId())
                    .resolve("job.json").toFile());
            assertThat(job.path("totalSteps").asInt()).isEqualTo(7);
            assertThat(job.path("status").asText()).isEqualTo("completed");
            // Every segment has its own run id, all in one job.
            assertThat(run.ofType("startRun").stream().map(e -> e.path("runId").asText()).distinct()).hasSize(5);
            assertThat(run.ofType("startRun").stream().map(e -> e.path("jobId").asText()).distinct()).hasSize(1);

            JsonNode resumedA = run.ofType("startRun").get(4).path("initialCheckpoint");
            assertThat(resumedA.path("partialToolResults").get(0).path("skillName").asText())
                    .isEqualTo("delegate/e2e-delegate-level1");
            assertThat(resumedA.path("partialToolResults").get(0).path("id").asText()).isEqualTo("toolu_a");
            assertThat(resumedA.path("partialToolResults").get(0).path("result").get(0).path("text").asText())
                    .isEqualTo("LEVEL1-RESULT");

            // Context isolation: a child sees only its query; a parent sees only the child's final text.
            List<RecordedRequest> requests = s.server().requests();
            assertThat(requests).hasSize(5);
            String level1First = requests.get(1).bodyText();
            assertThat(level1First).contains("LEVEL1-QUERY").doesNotContain("CHAIN-QUERY");
            String level2 = requests.get(2).bodyText();
            assertThat(level2).contains("LEVEL2-QUERY").doesNotContain("LEVEL1-QUERY").doesNotContain("CHAIN-QUERY");
            String chainResumed = requests.get(4).bodyText();
            assertThat(chainResumed).contains("LEVEL1-RESULT").doesNotContain("LEVEL2-RESULT")
                    .doesNotContain("LEVEL2-QUERY");
            assertThat(toolResultIds(requests.get(4))).containsExactly("toolu_a");

            // The delegate is offered as a tool named after it, described by its description, taking {query}.
            JsonNode tool = toolNamed(requests.getFirst(), "e2e-delegate-level1");
            assertThat(tool.path("description").asText()).isEqualTo("Middle of the chain");
            assertThat(tool.path("input_schema").path("required").get(0).asText()).isEqualTo("query");
            assertThat(tool.path("input_schema").path("properties").path("query").path("type").asText())
                    .isEqualTo("string");
            assertThat(requests.getFirst().bodyText()).contains("About \\\"e2e-delegate-level1\\\"");

            // Usage accounting: the coordinator's final usage includes every generation of the job.
            JsonNode usage = run.last("completeRun").path("checkpoint").path("usage");
            assertThat(usage.path("inputTokens").asLong()).isEqualTo(111110);
            assertThat(usage.path("outputTokens").asLong()).isEqualTo(15);
            assertThat(job.path("usage").path("inputTokens").asLong()).isEqualTo(111110);

            // A delegated child's checkpoint resumed by the user runs as a top-level run: it does not return.
            String level2Done = completeOf(run, "e2e-delegate-level2").path("checkpoint").path("id").asText();
            CliRun alone = s.run("e2e-delegate-level2", "Once more", "--continue-job", run.jobId(),
                    "--resume-from", level2Done);
            assertThat(alone.exitCode()).as(alone.toString()).isZero();
            assertThat(delegationTrace(alone)).containsExactly("startRun:e2e-delegate-level2",
                    "completeRun:e2e-delegate-level2");
            assertThat(alone.last("completeRun").path("checkpoint").has("delegatedBy")).isFalse();
            assertThat(alone.first("startRun").path("stepNumber").asInt()).isEqualTo(4);
        }
    }

    @Test
    void parallelChildrenOverlapAndTheParentResumesAfterTheLongestWithSummedUsageThenContinues() {
        try (Scenario s = Scenario.of(dir, PARALLEL, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_m","name":"e2e-delegate-math","input":{"query":"MATH-QUERY"}},
                                {"id":"toolu_t","name":"e2e-delegate-text","input":{"query":"TEXT-QUERY"}}],
                   "usage":{"input":1,"output":1}},
                  {"match":{"bodyContains":"MATH-QUERY"},"delayMs":1000,
                   "toolCalls":[{"id":"toolu_mh","name":"healthCheck","input":{}}],"usage":{"input":10,"output":1}},
                  {"match":{"bodyContains":"MATH-QUERY"},"text":"MATH-RESULT","usage":{"input":100,"output":1}},
                  {"match":{"bodyContains":"TEXT-QUERY"},"delayMs":1000,"text":"TEXT-RESULT",
                   "usage":{"input":1000,"output":1}},
                  {"text":"COMBINED","usage":{"input":10000,"output":1}},
                  {"text":"FOLLOW-UP-ANSWER","usage":{"input":100000,"output":1}}]}""")) {
            CliRun run = s.run("e2e-parallel-delegate", "Split this");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.ofType("callDelegate")).hasSize(1);
            assertThat(run.first("callDelegate").path("toolCalls")).hasSize(2);
            assertThat(run.count("completeRun")).isEqualTo(3);

            // C-12: both children started before either finished (each first reply is delayed).
            List<String> trace = delegationTrace(run);
            int lastChildStart = Math.max(trace.indexOf("startRun:e2e-delegate-math"),
                    trace.indexOf("startRun:e2e-delegate-text"));
            int firstChildEnd = Math.min(trace.indexOf("completeRun:e2e-delegate-math"),
                    trace.indexOf("completeRun:e2e-delegate-text"));
            assertThat(lastChildStart).isLessThan(firstChildEnd);

            // Both children start after the parent's stop step; the parent resumes after the longest child.
            JsonNode mathDone = completeOf(run, "e2e-delegate-math");
            JsonNode textDone = completeOf(run, "e2e-delegate-text");
            assertThat(mathDone.path("stepNumber").asInt()).isEqualTo(3);
            assertThat(textDone.path("stepNumber").asInt()).isEqualTo(2);
            assertThat(run.ofType("startRun").getLast().path("stepNumber").asInt()).isEqualTo(4);
            JsonNode parentDone = completeOf(run, "e2e-parallel-delegate");
            assertThat(parentDone.path("stepNumber").asInt()).isEqualTo(5);
            // Children start with fresh usage; the parent's total is its own plus every child's.
            assertThat(mathDone.path("checkpoint").path("usage").path("inputTokens").asLong()).isEqualTo(110);
            assertThat(parentDone.path("checkpoint").path("usage").path("inputTokens").asLong()).isEqualTo(11111);

            // Results come back in delegation order: the first as the answer, the second as a partial result.
            JsonNode resumed = run.ofType("startRun").getLast().path("initialCheckpoint");
            assertThat(DelegationTest.ids(resumed.path("partialToolResults")))
                    .containsExactly("toolu_t", "toolu_m");
            assertThat(resumed.path("partialToolResults").findValuesAsText("skillName"))
                    .containsExactly("delegate/e2e-delegate-text", "delegate/e2e-delegate-math");
            RecordedRequest parentResume = s.server().requests().get(4);
            assertThat(toolResultIds(parentResume)).containsExactlyInAnyOrder("toolu_m", "toolu_t");
            assertThat(parentResume.bodyText()).contains("MATH-RESULT", "TEXT-RESULT").doesNotContain("toolu_mh");

            // C-02: the job continues with a new query and completes once.
            CliRun next = s.run("e2e-parallel-delegate", "And now?", "--continue-job", run.jobId());
            assertThat(next.exitCode()).as(next.toString()).isZero();
            assertThat(next.stateTypes().getFirst()).isEqualTo("startRun");
            assertThat(next.stateTypes().getLast()).isEqualTo("completeRun");
            assertThat(next.count("completeRun")).isEqualTo(1);
            assertThat(next.last("completeRun").path("text").asText()).isEqualTo("FOLLOW-UP-ANSWER");
            assertThat(next.first("startRun").path("stepNumber").asInt()).isEqualTo(6);
        }
    }

    @Test
    void failingParallelChildStopsTheParentWithDelegationFailedAndTheJobStaysContinuable() throws Exception {
        try (Scenario s = Scenario.of(dir, PARALLEL, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_m","name":"e2e-delegate-math","input":{"query":"MATH-QUERY"}},
                                {"id":"toolu_t","name":"e2e-delegate-text","input":{"query":"TEXT-QUERY"}}]},
                  {"match":{"bodyContains":"MATH-QUERY"},"status":400,
                   "error":{"type":"invalid_request_error","message":"math broke"}},
                  {"match":{"bodyContains":"TEXT-QUERY"},"text":"TEXT-RESULT"},
                  {"text":"RECOVERED"}]}""")) {
            CliRun run = s.run("e2e-parallel-delegate", "Split this");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            JsonNode failed = run.last("stopRunByError");
            assertThat(failed.path("expertKey").asText()).isEqualTo("e2e-parallel-delegate");
            assertThat(failed.path("error").path("name").asText()).isEqualTo("DelegationFailed");
            assertThat(failed.path("error").path("message").asText())
                    .isEqualTo("Delegate e2e-delegate-math stopped with status stoppedByError");
            assertThat(failed.path("checkpoint").path("status").asText()).isEqualTo("stoppedByError");
            assertThat(run.stateTypes().getLast()).isEqualTo("stopRunByError");
            JsonNode job = Json.mapper().readTree(s.storage().resolve("jobs").resolve(run.jobId())
                    .resolve("job.json").toFile());
            assertThat(job.path("status").asText()).isEqualTo("stoppedByError");

            CliRun errors = s.cli().run("log", "--job", run.jobId(), "--errors");
            assertThat(errors.stdout()).contains("Error: DelegationFailed",
                    "Message: Delegate e2e-delegate-math stopped with status stoppedByError", "Retryable: false",
                    "Message: math broke");

            // The parent's history answers every call of its batch, so a follow-up is a valid conversation.
            CliRun next = s.run("e2e-parallel-delegate", "Try again", "--continue-job", run.jobId());
            assertThat(next.exitCode()).as(next.toString()).isZero();
            assertThat(next.last("completeRun").path("text").asText()).isEqualTo("RECOVERED");
            RecordedRequest followUp = s.server().requests().getLast();
            assertThat(toolResultIds(followUp)).containsExactlyInAnyOrder("toolu_m", "toolu_t");
            assertThat(followUp.bodyText()).contains("TEXT-RESULT",
                    "Delegate e2e-delegate-math stopped with status stoppedByError");
        }
    }

    @Test
    void parallelChildWhoseSkillsCannotStartIsADelegationFailureNotACrash() throws Exception {
        String toml = PARALLEL + """

                [experts."e2e-delegate-text".skills."@perstack/base"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "@perstack/base"

                [experts."e2e-delegate-text".skills."broken"]
                type = "mcpStdioSkill"
                command = "nonexistent-command-12345"
                args = ["serve"]
                """;
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_m","name":"e2e-delegate-math","input":{"query":"MATH-QUERY"}},
                                {"id":"toolu_t","name":"e2e-delegate-text","input":{"query":"TEXT-QUERY"}}]},
                  {"match":{"bodyContains":"MATH-QUERY"},"text":"MATH-RESULT"}]}""")) {
            CliRun run = s.run("e2e-parallel-delegate", "Split this");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(completeOf(run, "e2e-delegate-math").path("text").asText()).isEqualTo("MATH-RESULT");
            JsonNode failed = run.last("stopRunByError");
            assertThat(failed.path("expertKey").asText()).isEqualTo("e2e-parallel-delegate");
            assertThat(failed.path("error").path("name").asText()).isEqualTo("DelegationFailed");
            assertThat(failed.path("error").path("message").asText())
                    .startsWith("Delegate e2e-delegate-text failed: Skill broken failed to start");
            assertThat(Files.readString(s.storage().resolve("jobs").resolve(run.jobId()).resolve("job.json")))
                    .contains("\"stoppedByError\"");
        }
    }

    @Test
    void unknownDelegateFailsTheRunNamingTheMissingExpert() throws Exception {
        String toml = """
                model = "claude-sonnet-4-5"

                [experts."e2e-invalid-delegate"]
                description = "Delegates to nobody"
                instruction = "Delegate."
                delegates = ["nonexistent-expert"]
                """;
        try (Scenario s = Scenario.of(dir, toml, "{\"replies\":[{\"text\":\"unreachable\"}]}")) {
            CliRun run = s.run("e2e-invalid-delegate", "Go", "--job-id", "invalid-delegate");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("Delegate expert \"nonexistent-expert\" not found in experts");
            assertThat(s.server().requests()).isEmpty();
            // It never reached its first step: no job record, as in the TypeScript implementation.
            assertThat(s.storage().resolve("jobs/invalid-delegate/job.json")).doesNotExist();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static final Set<String> TRACED = Set.of("startRun", "callDelegate", "stopRunByDelegate", "completeRun",
            "stopRunByError");

    /** {@code type:expertKey} of the delegation-relevant state events, in emission order. */
    static List<String> delegationTrace(CliRun run) {
        List<String> trace = new ArrayList<>();
        for (JsonNode e : run.events()) {
            String type = e.path("type").asText();
            if (TRACED.contains(type)) {
                trace.add(type + ":" + e.path("expertKey").asText());
            }
        }
        return trace;
    }

    /** The {@code id} of each element of an array (tool calls, tool results), not of their nested parts. */
    static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(e -> ids.add(e.path("id").asText()));
        return ids;
    }

    static List<Integer> steps(CliRun run, String type) {
        return run.ofType(type).stream().map(e -> e.path("stepNumber").asInt()).toList();
    }

    static JsonNode completeOf(CliRun run, String expertKey) {
        return run.ofType("completeRun").stream().filter(e -> e.path("expertKey").asText().equals(expertKey))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no completeRun of " + expertKey + ": "
                        + run));
    }

    /** The {@code tool_use_id}s of every tool result block in an Anthropic request. */
    static List<String> toolResultIds(RecordedRequest request) {
        List<String> ids = new ArrayList<>();
        for (JsonNode message : request.body().path("messages")) {
            for (JsonNode block : message.path("content")) {
                if ("tool_result".equals(block.path("type").asText())) {
                    ids.add(block.path("tool_use_id").asText());
                }
            }
        }
        return ids;
    }

    static List<String> toolNames(RecordedRequest request) {
        List<String> names = new ArrayList<>();
        for (JsonNode tool : request.body().path("tools")) {
            names.add(tool.path("name").asText());
        }
        return names;
    }

    static JsonNode toolNamed(RecordedRequest request, String name) {
        for (JsonNode tool : request.body().path("tools")) {
            if (tool.path("name").asText().equals(name)) {
                return tool;
            }
        }
        throw new AssertionError("no tool " + name + " in " + toolNames(request));
    }
}
