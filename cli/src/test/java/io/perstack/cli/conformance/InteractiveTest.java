package io.perstack.cli.conformance;

import static io.perstack.cli.conformance.DelegationTest.delegationTrace;
import static io.perstack.cli.conformance.DelegationTest.toolNames;
import static io.perstack.cli.conformance.DelegationTest.toolResultIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.llm.RecordedRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-01, C-06…C-09: interactive tools stop the run for a human; {@code -i} answers the pending call; mixed batches
 * (the hostile MCP server's {@code echo}, a delegate and an interactive tool) run in the documented order; delegated
 * Experts never get interactive tools.
 */
class InteractiveTest {
    private static final String ASK_USER = """
            [experts."%1$s".skills."@perstack/base"]
            type = "mcpStdioSkill"
            command = "npx"
            packageName = "@perstack/base"

            [experts."%1$s".skills."user-input"]
            type = "interactiveSkill"
            description = "Asks the user"
            rule = "Ask before acting."

            [experts."%1$s".skills."user-input".tools."%2$s"]
            description = "Asks the user a question"
            inputJsonSchema = '{"type":"object","properties":{"question":{"type":"string"}},"required":["question"]}'
            """;

    static final String CONTINUE = """
            model = "claude-sonnet-4-5"

            [experts."e2e-continue"]
            description = "Asks the user, then completes"
            instruction = "Ask the user for confirmation, then finish."
            """ + ASK_USER.formatted("e2e-continue", "askUser");

    static final String MIXED = """
            model = "claude-sonnet-4-5"

            [experts."e2e-mixed-tools"]
            description = "Uses every kind of tool at once"
            instruction = "Echo, delegate to the helper and ask the user, all at once."
            delegates = ["e2e-helper"]
            """ + ASK_USER.formatted("e2e-mixed-tools", "askUser")
            + McpSkillsTest.hostileSkill("e2e-mixed-tools", "hostile", "pick = [\"echo\"]") + """

            [experts."e2e-helper"]
            description = "Helps"
            instruction = "Help."
            """ + ASK_USER.formatted("e2e-helper", "askHelperUser");

    @TempDir
    Path dir;

    @Test
    void interactiveCallStopsTheRunAndTheAnswerResumesIt() {
        try (Scenario s = Scenario.of(dir, CONTINUE, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_ask","name":"askUser","input":{"question":"Proceed?"}}]},
                  {"text":"Confirmed and done."}]}""")) {
            CliRun stop = s.run("e2e-continue", "Do the thing");

            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            assertThat(stop.count("stopRunByInteractiveTool")).isEqualTo(1);
            assertThat(stop.stateTypes()).containsSubsequence("startRun", "callTools", "callInteractiveTool",
                    "stopRunByInteractiveTool");
            JsonNode stopped = stop.last("stopRunByInteractiveTool").path("checkpoint");
            assertThat(stopped.path("id").isTextual()).isTrue();
            assertThat(stopped.path("status").asText()).isEqualTo("stoppedByInteractiveTool");
            assertThat(DelegationTest.ids(stopped.path("pendingToolCalls"))).containsExactly("toolu_ask");
            assertThat(stop.first("callInteractiveTool").path("toolCall").path("toolName").asText())
                    .isEqualTo("askUser");
            assertThat(stop.count("completeRun")).isZero();
            assertThat(stop.stderr()).contains("The Expert is waiting for your answer to askUser "
                    + "{\"question\":\"Proceed?\"}.", "Answer with: perstack run e2e-continue \"<answer>\" "
                    + "--continue-job " + stop.jobId() + " --runtime local -i");

            // A plain query cannot continue a run that waits for an answer; the job is left as it was.
            CliRun forgotI = s.run("e2e-continue", "User confirmed", "--continue-job", stop.jobId());
            assertThat(forgotI.exitCode()).isEqualTo(1);
            assertThat(forgotI.stderr()).contains("Interactive tool call result is undefined",
                    "waiting for an answer to askUser", "-i");
            assertThat(s.storage().resolve("jobs").resolve(stop.jobId()).resolve("job.json"))
                    .content().contains("\"stoppedByInteractiveTool\"");

            CliRun answered = s.run("e2e-continue", "User confirmed", "--continue-job", stop.jobId(), "-i");
            assertThat(answered.exitCode()).as(answered.toString()).isZero();
            JsonNode initial = answered.first("startRun").path("initialCheckpoint");
            assertThat(initial.path("status").asText()).isEqualTo("stoppedByInteractiveTool");
            assertThat(initial.has("pendingToolCalls")).as("emptied pending list is removed").isFalse();
            assertThat(answered.count("completeRun")).isEqualTo(1);
            assertThat(answered.stateTypes()).containsSubsequence("startRun", "finishAllToolCalls",
                    "continueToNextStep", "startGeneration", "completeRun");
            assertThat(answered.first("initializeRuntime").path("interactiveToolCall").path("toolCallId").asText())
                    .isEqualTo("toolu_ask");
            RecordedRequest resumed = s.server().requests().getLast();
            assertThat(toolResultIds(resumed)).containsExactly("toolu_ask");
            assertThat(resumed.bodyText()).contains("User confirmed");
        }
    }

    @Test
    void mixedBatchRunsTheMcpCallThenTheDelegateThenStopsForTheHumanWhoseAnswerGoesToTheInteractiveCall() {
        try (Scenario s = Scenario.of(dir, MIXED, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_ask","name":"askUser","input":{"question":"OK?"}},
                                {"id":"toolu_help","name":"e2e-helper","input":{"query":"HELPER-QUERY"}},
                                {"id":"toolu_echo","name":"echo","input":{"text":"MIXED-ECHO"}}]},
                  {"text":"HELPER-RESULT"},
                  {"text":"All three answered."}]}""")) {
            CliRun run = s.run("e2e-mixed-tools", "Do everything");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            // C-06: calls ordered MCP → delegate → interactive whatever order the model used.
            JsonNode calls = run.first("callTools").path("toolCalls");
            assertThat(calls.findValuesAsText("toolName")).containsExactly("echo", "e2e-helper", "askUser");
            assertThat(calls.findValuesAsText("skillName")).containsExactly("hostile", "e2e-helper", "user-input");
            assertThat(run.stateTypes()).containsSubsequence("startRun", "callTools", "callDelegate",
                    "stopRunByDelegate", "startRun", "completeRun", "startRun", "resumeToolCalls",
                    "callInteractiveTool", "stopRunByInteractiveTool");
            assertThat(delegationTrace(run)).containsExactly("startRun:e2e-mixed-tools",
                    "callDelegate:e2e-mixed-tools", "stopRunByDelegate:e2e-mixed-tools", "startRun:e2e-helper",
                    "completeRun:e2e-helper", "startRun:e2e-mixed-tools");
            // The MCP call ran before the delegation: its result is already among the partial results.
            JsonNode delegated = run.first("stopRunByDelegate").path("checkpoint");
            assertThat(DelegationTest.ids(delegated.path("partialToolResults"))).containsExactly("toolu_echo");
            assertThat(resultPartText(delegated.path("partialToolResults").get(0))).isEqualTo("echo: MIXED-ECHO");
            assertThat(delegated.path("pendingToolCalls").findValuesAsText("toolName")).containsExactly("askUser");
            JsonNode stopped = run.last("stopRunByInteractiveTool").path("checkpoint");
            assertThat(stopped.path("status").asText()).isEqualTo("stoppedByInteractiveTool");
            JsonNode partial = stopped.path("partialToolResults");
            assertThat(DelegationTest.ids(partial)).containsExactly("toolu_echo", "toolu_help");
            assertThat(partial.findValuesAsText("skillName")).containsExactly("hostile", "delegate/e2e-helper");
            assertThat(resultPartText(partial.get(0))).isEqualTo("echo: MIXED-ECHO");
            assertThat(DelegationTest.ids(stopped.path("pendingToolCalls"))).containsExactly("toolu_ask");
            assertThat(run.last("callInteractiveTool").path("toolCall").path("id").asText()).isEqualTo("toolu_ask");

            // C-09: the delegated helper is not offered its interactive tool (nor the parent's MCP skill).
            RecordedRequest coordinator = s.server().requests().get(0);
            RecordedRequest helper = s.server().requests().get(1);
            assertThat(toolNames(coordinator)).contains("askUser", "echo", "e2e-helper");
            assertThat(toolNames(helper)).contains("healthCheck").doesNotContain("askHelperUser", "askUser", "echo");
            assertThat(helper.bodyText()).doesNotContain("Ask before acting.");
            assertThat(s.server().requests()).hasSize(2);

            // C-08: a JSON answer must name a pending call; the MCP call was answered already.
            String checkpointId = stopped.path("id").asText();
            CliRun wrongId = s.run("e2e-mixed-tools", """
                    {"toolCallId":"toolu_echo","toolName":"echo","skillName":"hostile","text":"x"}""",
                    "--continue-job", run.jobId(), "-i");
            assertThat(wrongId.exitCode()).isEqualTo(1);
            assertThat(wrongId.stderr()).contains("Tool call toolu_echo is not pending in checkpoint "
                    + checkpointId);

            // C-07: a plain answer goes to pendingToolCalls[0] (the interactive call), not to the MCP call that
            // comes first in the expert message; nothing is left pending, so no call runs again.
            CliRun answered = s.run("e2e-mixed-tools", "yes", "--continue-job", run.jobId(), "-i");
            assertThat(answered.exitCode()).as(answered.toString()).isZero();
            assertThat(answered.first("initializeRuntime").path("interactiveToolCall").path("toolCallId").asText())
                    .isEqualTo("toolu_ask");
            assertThat(answered.stateTypes()).startsWith("startRun", "finishAllToolCalls")
                    .doesNotContain("resumeToolCalls", "callTools");
            assertThat(answered.last("completeRun").path("text").asText()).isEqualTo("All three answered.");
            RecordedRequest last = s.server().requests().getLast();
            assertThat(lastToolMessageIds(last)).containsExactly("toolu_echo", "toolu_help", "toolu_ask");
            assertThat(resultText(last, "toolu_ask")).isEqualTo("yes");
            assertThat(resultText(last, "toolu_echo")).isEqualTo("echo: MIXED-ECHO");
            assertThat(resultText(last, "toolu_help")).isEqualTo("HELPER-RESULT");

            // C-08: a completed checkpoint is not waiting for an answer.
            String completedId = answered.last("completeRun").path("checkpoint").path("id").asText();
            CliRun notWaiting = s.run("e2e-mixed-tools", "again", "--continue-job", run.jobId(), "-i");
            assertThat(notWaiting.exitCode()).isEqualTo(1);
            assertThat(notWaiting.stderr()).contains("Checkpoint " + completedId
                    + " is not waiting for an interactive tool result (status: completed)");
        }
    }

    /** The text of a checkpoint's tool result (its single text part). */
    static String resultPartText(JsonNode toolResult) {
        assertThat(toolResult.path("result")).hasSize(1);
        return toolResult.path("result").get(0).path("text").asText();
    }

    /**
     * The ids answered by the tool message of an Anthropic request: the user turn right after the last assistant
     * turn, made of tool results only (files from those results may follow in a further user turn).
     */
    static List<String> lastToolMessageIds(RecordedRequest request) {
        JsonNode messages = request.body().path("messages");
        int lastAssistant = -1;
        for (int i = 0; i < messages.size(); i++) {
            if ("assistant".equals(messages.get(i).path("role").asText())) {
                lastAssistant = i;
            }
        }
        assertThat(lastAssistant).as("an assistant turn").isNotNegative().isLessThan(messages.size() - 1);
        JsonNode toolMessage = messages.get(lastAssistant + 1);
        assertThat(toolMessage.path("role").asText()).isEqualTo("user");
        List<String> ids = new ArrayList<>();
        for (JsonNode block : toolMessage.path("content")) {
            assertThat(block.path("type").asText()).isEqualTo("tool_result");
            ids.add(block.path("tool_use_id").asText());
        }
        return ids;
    }

    /** The text of the tool result answering {@code toolUseId} in an Anthropic request. */
    static String resultText(RecordedRequest request, String toolUseId) {
        for (JsonNode message : request.body().path("messages")) {
            for (JsonNode block : message.path("content")) {
                if ("tool_result".equals(block.path("type").asText())
                        && toolUseId.equals(block.path("tool_use_id").asText())) {
                    JsonNode content = block.path("content");
                    return content.isTextual() ? content.asText() : content.get(0).path("text").asText();
                }
            }
        }
        throw new AssertionError("no tool result for " + toolUseId);
    }
}
