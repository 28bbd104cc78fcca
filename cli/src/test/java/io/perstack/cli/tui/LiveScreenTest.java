package io.perstack.cli.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.PerstackConfig.Price;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.DelegatedBy;
import io.perstack.core.model.ExpertRef;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.RunError;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events in, lines out: the live view's model and renderer without a terminal. */
class LiveScreenTest {
    private static final String JOB = "job1";
    private static final LiveScreen SCREEN = new LiveScreen(new Price(3, 0.3, 15));

    @Test
    void interactiveStopShowsTheQuestionAndTheContinueCommand() {
        LiveState s = fold(start("root", "greeter", null, "Say hello"),
                event("root", "greeter", new EventPayload.CallTools(null,
                        List.of(call("c1", "askUser", "{\"question\":\"Which language?\"}")), Usage.of(1000, 0, 100, 0))),
                event("root", "greeter", new EventPayload.StopRunByInteractiveTool(
                        checkpoint("greeter", CheckpointStatus.STOPPED_BY_INTERACTIVE_TOOL, 1,
                                List.of(call("c1", "askUser", "{\"question\":\"Which language?\"}"))), null)));

        assertThat(texts(s)).containsExactly(
                "▶ greeter  Say hello",
                "  ● askUser(question: Which language?)",
                "■ greeter stopped: waiting for an answer to askUser",
                "",
                "Stopped · askUser asks: question: Which language?",
                "job job1 · 1,100 tokens (1,000 in · 100 out) · $0.0045",
                "Answer: perstack run greeter \"<answer>\" --continue-job job1 -i");
        assertThat(SCREEN.footer(s, 120)).as("no footer after the ending").isEmpty();
    }

    @Test
    void maxStepsStopNamesTheStepAndHowToGoOn() {
        LiveState s = fold(start("root", "@acme/writer", null, "Write"),
                event("root", "@acme/writer", new EventPayload.StopRunByExceededMaxSteps(
                        checkpoint("@acme/writer", CheckpointStatus.STOPPED_BY_EXCEEDED_MAX_STEPS, 5, null), null)));

        assertThat(texts(s)).contains("Stopped · maximum steps reached at step 5 · job job1 · 0 tokens (0 in · 0 out)"
                        + " · $0.0000",
                "Continue: perstack run @acme/writer \"<query>\" --continue-job job1");
    }

    @Test
    void delegatedRunsHangBelowTheirParentInTheLogAndInTheFooter() {
        LiveState s = fold(start("root", "lead", null, "Plan"),
                event("root", "lead", new EventPayload.CallTools(null,
                        List.of(call("d1", "researcher", "{\"query\":\"Look it up\"}")), Usage.ZERO)),
                event("root", "lead", new EventPayload.CallDelegate(null,
                        List.of(call("d1", "researcher", "{\"query\":\"Look it up\"}")), Usage.ZERO)),
                start("child", "researcher", "root", "Look it up"),
                event("child", "researcher", new EventPayload.StartStreamingReasoning()),
                event("child", "researcher", new EventPayload.StreamReasoning("Thinking about sources")));

        assertThat(texts(s)).containsExactly("▶ lead  Plan", "  ● researcher(query: Look it up)",
                "  └ researcher  Look it up");
        assertThat(SCREEN.footer(s, 80)).extracting(StyledLine::text).containsExactly(
                "─".repeat(60),
                "● lead · step 1 · waiting for delegates",
                "  └ researcher · step 1 · reasoning",
                "Reasoning… Thinking about sources",
                "job job1 · 0 tokens (0 in · 0 out) · $0.0000");

        LiveState done = fold(s, event("child", "researcher", new EventPayload.CompleteRun(
                checkpoint("researcher", CheckpointStatus.COMPLETED, 2, null), null, "Found it.\nDetails.",
                Usage.of(10, 0, 5, 0))));
        assertThat(texts(done)).endsWith("  ✔ researcher: Found it.");
        assertThat(SCREEN.footer(done, 80)).extracting(StyledLine::text)
                .noneMatch(l -> l.contains("researcher"));
    }

    @Test
    void modelAndToolTextIsStrippedOfTerminalControlSequences() {
        LiveState s = fold(start("root", "greeter", null, "Hi\u001b]0;owned\u0007 there"),
                event("root", "greeter", new EventPayload.CallTools(null,
                        List.of(call("c1", "exec\u001b[2J", "{\"cmd\":\"ls\\u001b[31m -la\\u202e\"}")), Usage.ZERO)),
                event("root", "greeter", new EventPayload.ResolveToolResults(List.of(new ToolResult("c1", "base",
                        "exec", List.of(new MessagePart.TextPart("p", "line1\u009b1m\nline2")), false)))),
                event("root", "greeter", new EventPayload.CompleteRun(
                        checkpoint("greeter", CheckpointStatus.COMPLETED, 2, null), null,
                        "Done\u001b[1m bold\u0000", Usage.ZERO)));

        List<String> lines = texts(s);
        assertThat(lines).contains("▶ greeter  Hi there", "  ● exec(cmd: ls -la)", "    ↳ line1 line2",
                "  Done bold");
        assertThat(String.join("\n", lines)).doesNotContain("\u001b", "\u009b", "\u0007", "\u202e", "\u0000");
    }

    @Test
    void errorStopSaysWhyAndHowToContinue() {
        LiveState s = fold(start("root", "greeter", null, "Hi"),
                event("root", "greeter", new EventPayload.Retry("{\"error\":\"RateLimit\",\"message\":\"slow down\"}",
                        List.of(), null, null, Usage.of(5, 0, 0, 0))),
                event("root", "greeter", new EventPayload.StopRunByError(
                        checkpoint("greeter", CheckpointStatus.STOPPED_BY_ERROR, 1, null), null,
                        new RunError("BudgetExceeded", "Estimated job cost reached the budget", null, false))));

        assertThat(texts(s)).contains("  ↻ retry: slow down",
                "✖ greeter failed: BudgetExceeded: Estimated job cost reached the budget",
                "Stopped by error · BudgetExceeded: Estimated job cost reached the budget",
                "Continue: perstack run greeter \"<query>\" --continue-job job1");
    }

    @Test
    void footerLinesAreCutToTheTerminalWidth() {
        assertThat(FooterPane.fit("abcdef", 4)).isEqualTo("abcd");
        assertThat(FooterPane.fit("日本語", 5)).as("wide characters take two columns").isEqualTo("日本");
    }

    // ------------------------------------------------------------------ helpers

    private static LiveState fold(Object... eventsOrState) {
        LiveState s = LiveState.empty();
        for (Object o : eventsOrState) {
            s = o instanceof LiveState given ? given : s.next((Event) o);
        }
        return s;
    }

    /** Every line the view printed: the log, then the ending. */
    private static List<String> texts(LiveState s) {
        List<String> out = new ArrayList<>();
        s.log().forEach(a -> SCREEN.log(a).forEach(l -> out.add(l.text())));
        SCREEN.ending(s, true).forEach(l -> out.add(l.text()));
        return out;
    }

    private static Event start(String runId, String expert, String parentRunId, String query) {
        Checkpoint initial = Checkpoint.builder().id("cp-" + runId).jobId(JOB).runId(runId)
                .status(CheckpointStatus.INIT).stepNumber(1).expert(new ExpertRef(expert, expert, null))
                .delegatedBy(parentRunId == null ? null
                        : new DelegatedBy(new ExpertRef("p", "p", null), "d1", expert, "cp-p", parentRunId))
                .build();
        return event(runId, expert, new EventPayload.StartRun(initial,
                List.of(new Message.UserMessage("m", List.of(new MessagePart.TextPart("t", query)), null))));
    }

    private static Event event(String runId, String expert, EventPayload payload) {
        return new Event("e", expert, 0, JOB, runId, 1, payload);
    }

    private static Checkpoint checkpoint(String expert, CheckpointStatus status, int step, List<ToolCall> pending) {
        return Checkpoint.builder().id("cp").jobId(JOB).runId("root").status(status).stepNumber(step)
                .expert(new ExpertRef(expert, expert, null)).pendingToolCalls(pending).build();
    }

    private static ToolCall call(String id, String tool, String argsJson) {
        try {
            JsonNode args = Json.mapper().readTree(argsJson);
            return new ToolCall(id, "skill", tool, args);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

}
