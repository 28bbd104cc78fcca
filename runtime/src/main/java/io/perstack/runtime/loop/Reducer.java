package io.perstack.runtime.loop;

import io.perstack.core.event.EventPayload;
import io.perstack.core.event.EventPayload.*;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.Step;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure half of the state machine (docs/runtime.md §5, §5.1): which state an event leads to, and how it changes the
 * in-memory checkpoint and step. No I/O; the clock is a parameter so a transition is a function of its inputs.
 */
final class Reducer {
    private Reducer() {}

    static Phase next(EventPayload.State event) {
        return switch (event) {
            case StartRun s -> Phase.PREPARING_FOR_STEP;
            case ResumeToolCalls s -> Phase.CALLING_TOOL;
            case FinishAllToolCalls s -> Phase.FINISHING_STEP;
            case StartGeneration s -> Phase.GENERATING_TOOL_CALL;
            case CallTools s -> Phase.CALLING_TOOL;
            case Retry s -> Phase.FINISHING_STEP;
            case ResolveToolResults s -> Phase.RESOLVING_TOOL_RESULT;
            case AttemptCompletion s -> Phase.GENERATING_RUN_RESULT;
            case CallDelegate s -> Phase.CALLING_DELEGATE;
            case CallInteractiveTool s -> Phase.CALLING_INTERACTIVE_TOOL;
            case FinishToolCall s -> Phase.FINISHING_STEP;
            case ContinueToNextStep s -> Phase.PREPARING_FOR_STEP;
            case CompleteRun s -> Phase.STOPPED;
            case StopRunByError s -> Phase.STOPPED;
            case StopRunByInteractiveTool s -> Phase.STOPPED;
            case StopRunByDelegate s -> Phase.STOPPED;
            case StopRunByExceededMaxSteps s -> Phase.STOPPED;
        };
    }

    /** docs/runtime.md §5.1; {@code now} starts the step of a {@code startGeneration}. */
    static LoopState apply(LoopState state, EventPayload.State event, long now) {
        Checkpoint checkpoint = state.checkpoint();
        Step step = state.step();
        return switch (event) {
            case StartRun s -> new LoopState(checkpoint.toBuilder().status(CheckpointStatus.PROCEEDING)
                    .pendingToolCalls(s.initialCheckpoint().pendingToolCalls())
                    .partialToolResults(s.initialCheckpoint().partialToolResults()).build()
                    .withMessagesAppended(s.inputMessages()), step.withInputMessages(s.inputMessages()));
            case StartGeneration s -> state.withStep(Step.start(checkpoint.stepNumber(), now));
            case ResumeToolCalls s -> state.withStep(step.withToolResults(s.partialToolResults())
                    .withPending(s.pendingToolCalls(), null));
            case FinishAllToolCalls s -> {
                List<ToolResult> former = checkpoint.partialToolResults();
                yield new LoopState(checkpoint.toBuilder().pendingToolCalls(null).partialToolResults(null).build()
                        .withMessagesAppended(s.newMessages()),
                        step.withNewMessages(concat(step.newMessages(), s.newMessages()))
                                .withToolResults(former == null ? List.of() : former));
            }
            case CallTools s -> {
                Usage usage = checkpoint.usage().plus(s.usage());
                yield new LoopState(checkpoint.toBuilder().usage(usage)
                        .contextWindowUsage(windowUsage(checkpoint, usage)).retryCount(0).build()
                        .withMessagesAppended(List.of(s.newMessage())),
                        step.withNewMessages(List.of(s.newMessage())).withToolCalls(s.toolCalls())
                                .withUsage(step.usage().plus(s.usage())));
            }
            // The step's pending calls and partial results were set by the logic that produced these.
            case CallDelegate s -> state;
            case CallInteractiveTool s -> state;
            case Retry s -> {
                Usage usage = checkpoint.usage().plus(s.usage());
                yield new LoopState(checkpoint.toBuilder().usage(usage)
                        .contextWindowUsage(windowUsage(checkpoint, usage)).retryCount(checkpoint.retries() + 1)
                        .build().withMessagesAppended(s.newMessages()),
                        step.withNewMessages(s.newMessages()).withToolCalls(s.toolCalls())
                                .withToolResults(s.toolResults()).withUsage(step.usage().plus(s.usage())));
            }
            case ResolveToolResults s -> state.withStep(step.withToolResults(s.toolResults()).withPending(null, null));
            case AttemptCompletion s -> state.withStep(step.withToolResults(s.toolResults() == null
                    ? List.of(s.toolResult()) : s.toolResults()));
            case FinishToolCall s -> new LoopState(checkpoint.withMessagesAppended(s.newMessages()),
                    step.withNewMessages(concat(step.newMessages(), s.newMessages())));
            case CompleteRun s -> new LoopState(s.checkpoint().toBuilder().retryCount(0).build(), s.step());
            case StopRunByError s -> new LoopState(s.checkpoint(), s.step());
            case StopRunByInteractiveTool s -> new LoopState(s.checkpoint(), s.step());
            case StopRunByDelegate s -> new LoopState(s.checkpoint(), s.step());
            case StopRunByExceededMaxSteps s -> new LoopState(s.checkpoint(), s.step());
            case ContinueToNextStep s -> state.withCheckpoint(s.nextCheckpoint());
        };
    }

    /** The share of the context window {@code usage} fills; unchanged when the window is unknown. */
    static Double windowUsage(Checkpoint checkpoint, Usage usage) {
        Long window = checkpoint.contextWindow();
        if (window == null || window <= 0) {
            return checkpoint.contextWindowUsage();
        }
        return (usage.inputTokens() + usage.cachedInputTokens() + usage.outputTokens()) / (double) window;
    }

    static <T> List<T> concat(List<? extends T> a, List<? extends T> b) {
        List<T> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }
}
