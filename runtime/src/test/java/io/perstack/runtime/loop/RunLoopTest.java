package io.perstack.runtime.loop;

import static io.perstack.runtime.loop.LoopFixture.args;
import static io.perstack.runtime.loop.ScriptedLlm.overloaded;
import static io.perstack.runtime.loop.ScriptedLlm.text;
import static io.perstack.runtime.loop.ScriptedLlm.toolCall;
import static io.perstack.runtime.loop.ScriptedLlm.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.core.event.EventPayload.*;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.llm.FinishReason;
import io.perstack.llm.GeneratedToolCall;
import io.perstack.runtime.RunInput;
import io.perstack.runtime.RunNotice;
import io.perstack.runtime.RunSetting;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent loop's transitions, in process: a scripted LLM and in-memory skills, no HTTP, no extra JVM. */
class RunLoopTest {
    private final LoopFixture loop = new LoopFixture();

    private static String textOf(Message m) {
        return m.contents().stream().filter(MessagePart.TextPart.class::isInstance)
                .map(p -> ((MessagePart.TextPart) p).text()).findFirst().orElse("");
    }

    @Test
    void aTextAnswerCompletesTheRunInTheFirstStep() {
        ScriptedLlm llm = new ScriptedLlm(text("All done"));

        Checkpoint last = loop.with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "completeRun");
        assertThat(last.status()).isEqualTo(CheckpointStatus.COMPLETED);
        assertThat(last.stepNumber()).isEqualTo(1);
        assertThat(last.usage()).isEqualTo(ScriptedLlm.USAGE);
        assertThat(last.messagesOrEmpty()).extracting(m -> m.getClass().getSimpleName())
                .containsExactly("InstructionMessage", "UserMessage", "ExpertMessage");
        assertThat(textOf(last.messagesOrEmpty().getLast())).isEqualTo("All done");
        assertThat(loop.only(CompleteRun.class).text()).isEqualTo("All done");
        // The terminal checkpoint was stored before the event reached the listener.
        assertThat(loop.storage.checkpoints).containsExactly(last);
        assertThat(llm.requests.getFirst().tools()).extracting(t -> t.name()).contains("echo", "attemptCompletion");
    }

    @Test
    void aToolCallIsExecutedAndItsResultIsInTheNextRequest() {
        LoopFixture.FakeSkill base = LoopFixture.base("{}");
        ScriptedLlm llm = new ScriptedLlm(toolCall("call_1", "echo", args("text", "hi")), text("Echoed"));

        Checkpoint last = loop.with(base).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "callTools",
                "resolveToolResults", "finishToolCall", "continueToNextStep", "startGeneration", "completeRun");
        assertThat(base.calls()).extracting(ToolCall::id).containsExactly("call_1");
        List<Message> second = llm.requests.get(1).messages();
        assertThat(second.getLast()).isInstanceOf(Message.ToolMessage.class);
        MessagePart.ToolResultPart result = (MessagePart.ToolResultPart) second.getLast().contents().getFirst();
        assertThat(result.toolCallId()).isEqualTo("call_1");
        assertThat(((MessagePart.TextPart) result.contents().getFirst()).text()).isEqualTo("echo:hi");
        assertThat(last.stepNumber()).isEqualTo(2);
        assertThat(last.usage()).isEqualTo(ScriptedLlm.USAGE.plus(ScriptedLlm.USAGE));
        ContinueToNextStep next = loop.only(ContinueToNextStep.class);
        assertThat(next.nextCheckpoint().stepNumber()).isEqualTo(2);
        assertThat(next.nextCheckpoint().id()).isNotEqualTo(next.checkpoint().id());
    }

    @Test
    void toolCallsAreSortedMcpThenDelegateThenInteractive() {
        ScriptedLlm llm = new ScriptedLlm(toolCalls(FinishReason.Kind.TOOL_CALLS,
                new GeneratedToolCall("c1", "ask", args("q", "?")),
                new GeneratedToolCall("c2", "child", args("query", "part")),
                new GeneratedToolCall("c3", "echo", args("text", "x"))));

        loop.with(LoopFixture.base("{}"), LoopFixture.askHuman(), LoopFixture.child()).run(llm);

        assertThat(loop.only(CallTools.class).toolCalls()).extracting(ToolCall::id).containsExactly("c3", "c2", "c1");
        assertThat(loop.only(CallTools.class).toolCalls()).extracting(ToolCall::skillName)
                .containsExactly("@perstack/base", "child", "human");
    }

    @Test
    void aRetryWaitsWhatThePolicySaysThenGeneratesAgain() {
        ScriptedLlm llm = new ScriptedLlm(overloaded(null), overloaded(Duration.ofSeconds(7)), text("Recovered"));

        Checkpoint last = loop.with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "retry", "continueToNextStep",
                "startGeneration", "retry", "continueToNextStep", "startGeneration", "completeRun");
        assertThat(loop.waits).containsExactly(RetryPolicy.delay(1, null).toMillis(),
                RetryPolicy.delay(2, Duration.ofSeconds(7)).toMillis());
        assertThat(loop.notices).extracting(n -> ((RunNotice.RetryScheduled) n).delay())
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(7));
        assertThat(loop.notices).extracting(n -> ((RunNotice.RetryScheduled) n).attempt()).containsExactly(1, 2);
        assertThat(loop.events.stream().map(e -> e.payload()).filter(ContinueToNextStep.class::isInstance)
                .map(p -> ((ContinueToNextStep) p).checkpoint().retries())).containsExactly(1, 2);
        assertThat(llm.requests).hasSize(3);
        assertThat(textOf(llm.requests.get(1).messages().getLast())).contains("overloaded_error", "Overloaded");
        assertThat(last.retries()).isZero();
        assertThat(last.status()).isEqualTo(CheckpointStatus.COMPLETED);
    }

    @Test
    void aSuccessfulGenerationStartsTheRetryCountAfresh() {
        ScriptedLlm llm = new ScriptedLlm(overloaded(null), toolCall("c1", "echo", args("text", "x")),
                overloaded(null), text("Done"));

        loop.with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.notices).extracting(n -> ((RunNotice.RetryScheduled) n).attempt()).containsExactly(1, 1);
        assertThat(loop.waits).containsExactly(1000L, 1000L);
    }

    @Test
    void retriesEndInAnErrorOnceThePolicyAllowsNoMore() {
        ScriptedLlm llm = new ScriptedLlm(overloaded(null), overloaded(null));

        Checkpoint last = loop.maxRetries(1).with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "retry", "continueToNextStep",
                "startGeneration", "stopRunByError");
        assertThat(last.status()).isEqualTo(CheckpointStatus.STOPPED_BY_ERROR);
        assertThat(last.error().message()).isEqualTo("Max retries (1) exceeded: Overloaded");
        assertThat(last.error().isRetryable()).isFalse();
    }

    @Test
    void aNonRetryableFailureStopsAtOnceWithoutWaiting() {
        Checkpoint last = loop.with(LoopFixture.base("{}")).run(new ScriptedLlm(ScriptedLlm.rejected()));

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "stopRunByError");
        assertThat(last.error().name()).isEqualTo("invalid_request_error");
        assertThat(loop.waits).isEmpty();
        assertThat(loop.notices).isEmpty();
    }

    @Test
    void aLengthCutBatchIsRetriedWithItsFirstCallAnswered() {
        ScriptedLlm llm = new ScriptedLlm(toolCalls(FinishReason.Kind.LENGTH,
                new GeneratedToolCall("c1", "echo", args("text", "a")),
                new GeneratedToolCall("c2", "echo", args("text", "b"))), text("Shorter"));

        loop.with(LoopFixture.base("{}")).run(llm);

        Retry retry = loop.only(Retry.class);
        assertThat(retry.toolCalls()).extracting(ToolCall::id).containsExactly("c1");
        assertThat(retry.newMessages()).extracting(m -> m.getClass().getSimpleName())
                .containsExactly("ExpertMessage", "ToolMessage");
        assertThat(loop.waits).containsExactly(1000L);
    }

    @Test
    void theRunStopsAtMaxStepsInTheStepThatReachedIt() {
        ScriptedLlm llm = new ScriptedLlm(toolCall("c1", "echo", args("text", "1")),
                toolCall("c2", "echo", args("text", "2")), text("never asked for"));

        Checkpoint last = loop.maxSteps(2).with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.stateEvents()).endsWith("continueToNextStep", "startGeneration", "callTools",
                "resolveToolResults", "finishToolCall", "stopRunByExceededMaxSteps");
        assertThat(last.status()).isEqualTo(CheckpointStatus.STOPPED_BY_EXCEEDED_MAX_STEPS);
        assertThat(last.stepNumber()).isEqualTo(2);
        assertThat(llm.requests).hasSize(2);
    }

    @Test
    void anInteractiveCallStopsTheRunWithItPendingAndTheOtherResultsKept() {
        ScriptedLlm llm = new ScriptedLlm(toolCalls(FinishReason.Kind.TOOL_CALLS,
                new GeneratedToolCall("ask_1", "ask", args("q", "Which colour?")),
                new GeneratedToolCall("echo_1", "echo", args("text", "x"))));

        Checkpoint stopped = loop.with(LoopFixture.base("{}"), LoopFixture.askHuman()).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "callTools",
                "callInteractiveTool", "stopRunByInteractiveTool");
        assertThat(loop.only(CallInteractiveTool.class).toolCall().id()).isEqualTo("ask_1");
        assertThat(stopped.status()).isEqualTo(CheckpointStatus.STOPPED_BY_INTERACTIVE_TOOL);
        assertThat(stopped.pendingToolCalls()).extracting(ToolCall::id).containsExactly("ask_1");
        assertThat(stopped.partialToolResults()).extracting(ToolResult::id).containsExactly("echo_1");
    }

    @Test
    void theHumansAnswerResolvesThePendingCallAndTheRunGoesOn() {
        loop.with(LoopFixture.base("{}"), LoopFixture.askHuman());
        Checkpoint stopped = loop.run(new ScriptedLlm(toolCall("ask_1", "ask", args("q", "Which colour?"))));
        loop.events.clear();
        RunSetting first = loop.setting();
        RunSetting resumed = new RunSetting(first.job(), first.run().next("resumed-run", "worker", RunInput.answer(
                new RunInput.InteractiveToolCallResult("ask_1", "ask", "human", "Blue")), 0));
        ScriptedLlm llm = new ScriptedLlm(text("Blue it is"));

        Checkpoint last = loop.run(resumed, LoopFixture.continuing(resumed, stopped), llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "finishAllToolCalls", "continueToNextStep",
                "startGeneration", "completeRun");
        Message.ToolMessage answered = (Message.ToolMessage) llm.requests.getFirst().messages().getLast();
        assertThat(answered.contents()).extracting(MessagePart.ToolResultPart::toolCallId).containsExactly("ask_1");
        assertThat(last.status()).isEqualTo(CheckpointStatus.COMPLETED);
        assertThat(last.pendingToolCalls()).isNull();
        assertThat(last.stepNumber()).isEqualTo(stopped.stepNumber() + 2);
    }

    @Test
    void aDelegateCallStopsTheRunWithOneTargetPerCall() {
        ScriptedLlm llm = new ScriptedLlm(toolCalls(FinishReason.Kind.TOOL_CALLS,
                new GeneratedToolCall("d1", "child", args("query", "Part one")),
                new GeneratedToolCall("e1", "echo", args("text", "x"))));

        Checkpoint stopped = loop.with(LoopFixture.base("{}"), LoopFixture.child()).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "callTools", "callDelegate",
                "stopRunByDelegate");
        assertThat(stopped.status()).isEqualTo(CheckpointStatus.STOPPED_BY_DELEGATE);
        assertThat(stopped.delegateTo()).singleElement().satisfies(t -> {
            assertThat(t.expert()).isEqualTo(LoopFixture.CHILD);
            assertThat(t.toolCallId()).isEqualTo("d1");
            assertThat(t.query()).isEqualTo("Part one");
        });
        assertThat(stopped.pendingToolCalls()).isNull();
        assertThat(stopped.partialToolResults()).extracting(ToolResult::id).containsExactly("e1");
    }

    @Test
    void aDelegatesResultResumesTheParentWhichThenCompletes() {
        loop.with(LoopFixture.base("{}"), LoopFixture.child());
        Checkpoint stopped = loop.run(new ScriptedLlm(toolCall("d1", "child", args("query", "Part one"))));
        loop.events.clear();
        RunSetting parent = loop.setting();
        RunSetting back = new RunSetting(parent.job(), parent.run().next("parent-again", "worker", RunInput.answer(
                new RunInput.InteractiveToolCallResult("d1", "child", "delegate/child", "Child says hi")), 0));
        ScriptedLlm llm = new ScriptedLlm(text("Parent done"));

        Checkpoint last = loop.run(back, LoopFixture.continuing(back, stopped), llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "finishAllToolCalls", "continueToNextStep",
                "startGeneration", "completeRun");
        MessagePart.ToolResultPart result = (MessagePart.ToolResultPart) llm.requests.getFirst().messages()
                .getLast().contents().getFirst();
        assertThat(result.toolCallId()).isEqualTo("d1");
        assertThat(((MessagePart.TextPart) result.contents().getFirst()).text()).isEqualTo("Child says hi");
        assertThat(last.status()).isEqualTo(CheckpointStatus.COMPLETED);
    }

    @Test
    void aDelegateCallWithoutAQueryFailsTheRun() {
        ScriptedLlm llm = new ScriptedLlm(toolCall("d1", "child", args("question", "no query")));

        assertThatThrownBy(() -> loop.with(LoopFixture.base("{}"), LoopFixture.child()).run(llm))
                .hasMessage("Delegation error: query is undefined for child");
    }

    @Test
    void cancellingDuringAGenerationEmitsNothingMoreAndReturnsTheLastState() {
        ScriptedLlm llm = new ScriptedLlm(toolCall("c1", "echo", args("text", "x"))
                .whileGenerating(() -> loop.control.cancel()));

        Checkpoint last = loop.with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration");
        assertThat(last.status()).isEqualTo(CheckpointStatus.PROCEEDING);
        assertThat(loop.storage.checkpoints).isEmpty();
        assertThat(Thread.interrupted()).as("the loop leaves the thread uninterrupted").isFalse();
    }

    @Test
    void cancellingDuringARetryWaitEndsTheRunBeforeTheNextGeneration() {
        loop.whileWaiting = ms -> {
            loop.control.cancel();
            throw new InterruptedException();
        };
        ScriptedLlm llm = new ScriptedLlm(overloaded(null), text("never asked for"));

        Checkpoint last = loop.with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "retry", "continueToNextStep",
                "startGeneration");
        assertThat(llm.requests).hasSize(1);
        assertThat(last.retries()).isEqualTo(1);
    }

    @Test
    void aReachedBudgetStopsTheRunBeforeTheModelIsAsked() {
        ScriptedLlm llm = new ScriptedLlm();

        Checkpoint last = loop.budget(0.5, 0.5).with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "stopRunByError");
        assertThat(last.error().name()).isEqualTo("BudgetExceeded");
        assertThat(last.error().message()).isEqualTo("Estimated job cost $0.5000 reached the budget of $0.5");
        assertThat(llm.requests).isEmpty();
    }

    @Test
    void aGenerationThatSpendsTheBudgetIsTheLastOne() {
        // $1 per million tokens: the first generation's 110 tokens cost $0.00011, above the budget.
        ScriptedLlm llm = new ScriptedLlm(toolCall("c1", "echo", args("text", "x")), text("never asked for"));

        Checkpoint last = loop.budget(0.0001, 0).with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.stateEvents()).endsWith("continueToNextStep", "startGeneration", "stopRunByError");
        assertThat(last.error().name()).isEqualTo("BudgetExceeded");
        assertThat(llm.requests).hasSize(1);
    }

    @Test
    void attemptCompletionWithRemainingTodosKeepsTheRunGoing() {
        ScriptedLlm llm = new ScriptedLlm(toolCall("done_1", "attemptCompletion", args("x", "y")),
                text("Finished after all"));

        loop.with(LoopFixture.base("{\"remainingTodos\":[{\"id\":0,\"title\":\"Test\"}]}", "Test")).run(llm);

        assertThat(loop.stateEvents()).containsExactly("startRun", "startGeneration", "callTools",
                "resolveToolResults", "finishToolCall", "continueToNextStep", "startGeneration", "completeRun");
    }

    @Test
    void attemptCompletionWithoutTextGeneratesTheResultWithoutTools() {
        ScriptedLlm llm = new ScriptedLlm(toolCall("done_1", "attemptCompletion", args("x", "y")),
                text("The result").streaming(List.of("Thinking"), List.of("The ", "result")));

        Checkpoint last = loop.with(LoopFixture.base("{}")).run(llm);

        assertThat(loop.types()).containsExactly("startRun", "startGeneration", "callTools", "attemptCompletion",
                "startStreamingReasoning", "streamReasoning", "completeStreamingReasoning",
                "startStreamingRunResult", "streamRunResult", "streamRunResult", "completeStreamingRunResult",
                "completeRun");
        assertThat(llm.requests.get(1).tools()).isEmpty();
        assertThat(loop.only(CompleteStreamingRunResult.class).text()).isEqualTo("The result");
        assertThat(last.messagesOrEmpty().get(last.messagesOrEmpty().size() - 2))
                .isInstanceOf(Message.ToolMessage.class);
    }

    @Test
    void aContinueHookThatSaysNoStopsTheRunRightAfterThatEvent() {
        LoopFixture stoppable = new LoopFixture((checkpoint, step) -> step.toolCalls() == null);
        ScriptedLlm llm = new ScriptedLlm(toolCall("c1", "echo", args("text", "x")), text("never asked for"));

        Checkpoint last = stoppable.with(LoopFixture.base("{}")).run(llm);

        assertThat(stoppable.stateEvents()).containsExactly("startRun", "startGeneration", "callTools");
        assertThat(last.status()).isEqualTo(CheckpointStatus.PROCEEDING);
        assertThat(llm.requests).hasSize(1);
    }
}
