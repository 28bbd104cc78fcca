package io.perstack.cli.conformance;

import static io.perstack.cli.conformance.DelegationTest.toolNames;
import static io.perstack.cli.conformance.DelegationTest.toolResultIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.llm.RecordedRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-15…C-20: {@code attemptCompletion} alone, with text, with remaining todos, and in a batch with other calls,
 * which run first (docs/runtime.md §8.2); todo lists per conversation.
 */
class AttemptCompletionTest {
    @TempDir
    Path dir;

    @Test
    void remainingTodosKeepTheLoopGoingThenPlainCompletionAsksForTheResultWithoutTools() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("worker"), """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_1","name":"todo","input":{"newTodos":["write it"]}}]},
                  {"toolCalls":[{"id":"toolu_2","name":"attemptCompletion","input":{}}]},
                  {"toolCalls":[{"id":"toolu_3","name":"todo","input":{"completedTodos":[0]}}]},
                  {"toolCalls":[{"id":"toolu_4","name":"attemptCompletion","input":{}}]},
                  {"text":"Everything is written."}]}""")) {
            CliRun run = s.run("worker", "Write it");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            // C-15: the first completion is refused with the open todo and the loop continues.
            JsonNode refused = run.ofType("resolveToolResults").get(1).path("toolResults").get(0);
            assertThat(refused.path("toolName").asText()).isEqualTo("attemptCompletion");
            JsonNode remaining = Json.mapper().readTree(refused.path("result").get(0).path("text").asText());
            assertThat(remaining.path("remainingTodos").findValuesAsText("title")).containsExactly("write it");
            // C-17: the accepted completion is followed by a tool-less request and a streamed result.
            assertThat(run.count("attemptCompletion")).isEqualTo(1);
            assertThat(run.types()).containsSubsequence("attemptCompletion", "startStreamingRunResult",
                    "streamRunResult", "completeStreamingRunResult", "completeRun");
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("Everything is written.");
            List<RecordedRequest> requests = s.server().requests();
            assertThat(requests).hasSize(5);
            assertThat(toolNames(requests.get(3))).contains("attemptCompletion");
            assertThat(requests.get(4).body().path("tools").isMissingNode()
                    || requests.get(4).body().path("tools").isEmpty()).isTrue();
            assertThat(toolResultIds(requests.get(4))).endsWith("toolu_4");
        }
    }

    @Test
    void textTogetherWithCompletionCompletesWithThatTextAndNoFurtherRequest() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("worker"), """
                {"replies":[{"text":"The answer is 42.",
                             "toolCalls":[{"id":"toolu_1","name":"attemptCompletion","input":{}}]}]}""")) {
            CliRun run = s.run("worker", "Answer");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("The answer is 42.");
            assertThat(run.count("attemptCompletion")).isZero();
            assertThat(s.server().requests()).hasSize(1);
            JsonNode messages = run.last("completeRun").path("checkpoint").path("messages");
            assertThat(messages.get(messages.size() - 2).path("type").asText()).isEqualTo("toolMessage");
            assertThat(messages.get(messages.size() - 1).path("contents").get(0).path("text").asText())
                    .isEqualTo("The answer is 42.");
        }
    }

    @Test
    void completionInABatchWithAnMcpCallRunsTheMcpCallFirstAndEveryCallIsAnswered() {
        String toml = McpSkillsTest.expert("worker", "")
                + McpSkillsTest.hostileSkill("worker", "hostile", "pick = [\"echo\"]");
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_done","name":"attemptCompletion","input":{}},
                                {"id":"toolu_echo","name":"echo","input":{"text":"BEFORE-DONE"}}]},
                  {"text":"Echoed and done."}]}""")) {
            CliRun run = s.run("worker", "Echo and finish");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stateTypes()).containsSubsequence("callTools", "attemptCompletion", "completeRun")
                    .doesNotContain("resolveToolResults");
            JsonNode completion = run.first("attemptCompletion");
            JsonNode results = completion.path("toolResults");
            assertThat(results).hasSize(2);
            assertThat(DelegationTest.ids(results)).containsExactly("toolu_echo", "toolu_done");
            assertThat(results.findValuesAsText("skillName")).containsExactly("hostile", "@perstack/base");
            assertThat(InteractiveTest.resultPartText(results.get(0))).isEqualTo("echo: BEFORE-DONE");
            assertThat(completion.path("toolResult").path("id").asText()).isEqualTo("toolu_done");
            // The tool-less result request answers both calls in one tool message.
            List<RecordedRequest> requests = s.server().requests();
            assertThat(requests).hasSize(2);
            RecordedRequest next = requests.get(1);
            assertThat(toolNames(next)).isEmpty();
            assertThat(InteractiveTest.lastToolMessageIds(next)).containsExactly("toolu_echo", "toolu_done");
            assertThat(InteractiveTest.resultText(next, "toolu_echo")).isEqualTo("echo: BEFORE-DONE");
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("Echoed and done.");
        }
    }

    @Test
    void completionWithAnInteractiveCallWaitsForTheHumanFirst() {
        try (Scenario s = Scenario.of(dir, InteractiveTest.CONTINUE, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_done","name":"attemptCompletion","input":{}},
                                {"id":"toolu_ask","name":"askUser","input":{"question":"Sure?"}}]},
                  {"text":"Finished after asking."}]}""")) {
            CliRun stop = s.run("e2e-continue", "Finish carefully");

            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            assertThat(stop.count("attemptCompletion")).isZero();
            JsonNode stopped = stop.last("stopRunByInteractiveTool").path("checkpoint");
            assertThat(stopped.path("pendingToolCalls").findValuesAsText("toolName"))
                    .containsExactly("askUser", "attemptCompletion");
            assertThat(s.server().requests()).hasSize(1);

            CliRun answered = s.run("e2e-continue", "Yes, sure", "--continue", "-i");
            assertThat(answered.exitCode()).as(answered.toString()).isZero();
            assertThat(answered.stateTypes()).containsSubsequence("startRun", "resumeToolCalls", "attemptCompletion",
                    "completeRun");
            assertThat(DelegationTest.ids(answered.first("attemptCompletion").path("toolResults")))
                    .containsExactly("toolu_ask", "toolu_done");
            assertThat(answered.last("completeRun").path("text").asText()).isEqualTo("Finished after asking.");
            assertThat(toolResultIds(s.server().requests().getLast())).containsExactly("toolu_ask", "toolu_done");
        }
    }

    @Test
    void todosSurviveAContinuationAndParallelChildrenKeepTheirOwnLists() throws Exception {
        String toml = DelegationTest.PARALLEL;
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_p","name":"todo","input":{"newTodos":["parent task"]}}]},
                  {"toolCalls":[{"id":"toolu_m","name":"e2e-delegate-math","input":{"query":"MATH-QUERY"}},
                                {"id":"toolu_t","name":"e2e-delegate-text","input":{"query":"TEXT-QUERY"}}]},
                  {"match":{"bodyContains":"MATH-QUERY"},
                   "toolCalls":[{"id":"toolu_mt","name":"todo","input":{"newTodos":["math task"]}}]},
                  {"match":{"bodyContains":"MATH-QUERY"},"text":"MATH-RESULT"},
                  {"match":{"bodyContains":"TEXT-QUERY"},
                   "toolCalls":[{"id":"toolu_tt","name":"todo","input":{"newTodos":["text task"]}}]},
                  {"match":{"bodyContains":"TEXT-QUERY"},"text":"TEXT-RESULT"},
                  {"text":"Paused."},
                  {"toolCalls":[{"id":"toolu_c","name":"attemptCompletion","input":{}}]},
                  {"text":"Not yet."}]}""")) {
            CliRun run = s.run("e2e-parallel-delegate", "Plan");
            assertThat(run.exitCode()).as(run.toString()).isZero();

            // Each child starts with an empty list: its first todo gets id 0 and it sees only its own item.
            for (String expert : List.of("e2e-delegate-math", "e2e-delegate-text")) {
                JsonNode resolved = run.ofType("resolveToolResults").stream()
                        .filter(e -> e.path("expertKey").asText().equals(expert)).findFirst().orElseThrow();
                JsonNode todos = Json.mapper().readTree(resolved.path("toolResults").get(0).path("result").get(0)
                        .path("text").asText()).path("todos");
                assertThat(todos).hasSize(1);
                assertThat(todos.get(0).path("id").asInt()).isZero();
                assertThat(todos.get(0).path("title").asText()).isEqualTo(expert.endsWith("math")
                        ? "math task" : "text task");
            }

            // C-20: the parent's list is restored from its checkpoint by --continue, untouched by the children.
            CliRun next = s.run("e2e-parallel-delegate", "Finish now", "--continue");
            assertThat(next.exitCode()).as(next.toString()).isZero();
            JsonNode refused = next.first("resolveToolResults").path("toolResults").get(0);
            JsonNode remaining = Json.mapper().readTree(refused.path("result").get(0).path("text").asText());
            assertThat(remaining.path("remainingTodos").findValuesAsText("title")).containsExactly("parent task");
        }
    }
}
