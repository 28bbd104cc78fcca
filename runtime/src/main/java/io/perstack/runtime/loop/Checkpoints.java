package io.perstack.runtime.loop;

import io.perstack.core.event.EventPayload.*;
import io.perstack.core.id.Ids;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.DelegationTarget;
import io.perstack.core.model.Message;
import io.perstack.core.model.RunError;
import io.perstack.core.model.Step;
import io.perstack.core.model.Todo;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.Usage;
import java.util.List;

/**
 * The events that carry a checkpoint (docs/runtime.md §9–§11), built from the state they end: each saves the todo list
 * the step's tool calls left ({@code todos}) and finishes the step at {@code now}. No I/O.
 */
final class Checkpoints {
    private Checkpoints() {}

    /** history += {@code appended}; usage += {@code usage}, the generation's (zero when no generation ran). */
    static CompleteRun completed(LoopState s, Todo todos, List<Message> appended, String text, Usage usage,
                                 long now) {
        Checkpoint c = s.checkpoint();
        Usage total = c.usage().plus(usage);
        Checkpoint done = c.toBuilder().status(CheckpointStatus.COMPLETED).usage(total)
                .contextWindowUsage(Reducer.windowUsage(c, total)).todos(todos).retryCount(0).build()
                .withMessagesAppended(appended);
        Step step = s.step().withNewMessages(Reducer.concat(s.step().newMessages(), appended))
                .withUsage(s.step().usage().plus(usage)).finished(now);
        return new CompleteRun(done, step, text, usage);
    }

    static StopRunByError stoppedByError(LoopState s, Todo todos, RunError error, long now) {
        Checkpoint stopped = s.checkpoint().toBuilder().status(CheckpointStatus.STOPPED_BY_ERROR).error(error)
                .todos(todos).build();
        return new StopRunByError(stopped, s.step().finished(now), error);
    }

    /** The step's pending calls (interactive ones first) and partial results wait for the human's answer. */
    static StopRunByInteractiveTool stoppedForAnswer(LoopState s, Todo todos, long now) {
        return new StopRunByInteractiveTool(s.checkpoint().toBuilder()
                .status(CheckpointStatus.STOPPED_BY_INTERACTIVE_TOOL).pendingToolCalls(s.step().pendingToolCalls())
                .partialToolResults(s.step().partialToolResults()).todos(todos).build(), s.step().finished(now));
    }

    /** @param rest the pending calls that are not delegations; absent from the checkpoint when there are none */
    static StopRunByDelegate stoppedByDelegate(LoopState s, Todo todos, List<DelegationTarget> targets,
                                               List<ToolCall> rest, long now) {
        Checkpoint stopped = s.checkpoint().toBuilder().status(CheckpointStatus.STOPPED_BY_DELEGATE)
                .delegateTo(targets).pendingToolCalls(rest.isEmpty() ? null : rest)
                .partialToolResults(s.step().partialToolResults()).todos(todos).build();
        return new StopRunByDelegate(stopped, s.step().finished(now));
    }

    /** The step cap, else the next step's checkpoint: a copy with a new id and the next step number. */
    static State finishedStep(LoopState s, Todo todos, int maxSteps, long now) {
        Checkpoint c = s.checkpoint();
        if (c.stepNumber() >= maxSteps) {
            return new StopRunByExceededMaxSteps(c.toBuilder()
                    .status(CheckpointStatus.STOPPED_BY_EXCEEDED_MAX_STEPS).todos(todos).build(),
                    s.step().finished(now));
        }
        Checkpoint done = c.toBuilder().todos(todos).build();
        Checkpoint next = done.toBuilder().id(Ids.next()).stepNumber(done.stepNumber() + 1).build();
        return new ContinueToNextStep(done, s.step().finished(now), next);
    }
}
