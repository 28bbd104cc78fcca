package io.perstack.runtime.loop;

import io.perstack.core.event.EventPayload;
import io.perstack.core.event.EventPayload.*;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.runtime.RunInput;
import io.perstack.runtime.prompt.Instruction;
import java.util.ArrayList;
import java.util.List;

/** The logic of {@code Init} and {@code PreparingForStep} (docs/runtime.md §5, §6): what a segment starts from. */
final class Preparation {
    private Preparation() {}

    /**
     * A fresh run gets the instruction and the query; a run stopped for an answer (a human's or a delegate's)
     * gets it as the result of its pending call; any other continuation gets the query as a new user message.
     */
    static StartRun init(RunLoop.Context ctx, Checkpoint checkpoint) {
        RunInput input = ctx.setting().run().input();
        CheckpointStatus status = checkpoint.status();
        if (status == CheckpointStatus.INIT) {
            requireText(input);
            String instruction = Instruction.build(ctx.expert(), ctx.startedAt(),
                    ctx.workingDirectory(), ctx.delegates(), checkpoint.delegatedBy() != null);
            return new StartRun(checkpoint, List.of(Messages.instruction(instruction), Messages.user(input.text())));
        }
        if (status == CheckpointStatus.STOPPED_BY_INTERACTIVE_TOOL || status == CheckpointStatus.STOPPED_BY_DELEGATE) {
            RunInput.InteractiveToolCallResult answer = input == null ? null : input.interactiveToolCallResult();
            if (answer == null) {
                throw new IllegalStateException("Interactive tool call result is undefined");
            }
            List<ToolResult> partial = new ArrayList<>(nullToEmpty(checkpoint.partialToolResults()));
            partial.add(Messages.textResult(answer.toolCallId(), answer.skillName(), answer.toolName(),
                    answer.text()));
            List<ToolCall> remaining = nullToEmpty(checkpoint.pendingToolCalls()).stream()
                    .filter(c -> !c.id().equals(answer.toolCallId())).toList();
            // docs/runtime.md §6: the field is removed when the answer resolved the last pending call.
            List<ToolCall> pending = remaining.isEmpty() ? null : remaining;
            Checkpoint initial = checkpoint.toBuilder().pendingToolCalls(pending).partialToolResults(partial).build();
            return new StartRun(initial, List.of());
        }
        requireText(input);
        return new StartRun(checkpoint, List.of(Messages.user(input.text())));
    }

    private static void requireText(RunInput input) {
        if (input == null || input.text() == null) {
            throw new IllegalStateException("Input message is undefined");
        }
    }

    /** Pending calls are resumed, then partial results written out; only then does the step generate. */
    static EventPayload.State prepare(Checkpoint checkpoint) {
        List<ToolCall> pending = checkpoint.pendingToolCalls();
        List<ToolResult> partial = checkpoint.partialToolResults();
        if (pending != null && !pending.isEmpty()) {
            return new ResumeToolCalls(pending, nullToEmpty(partial));
        }
        if (partial != null && !partial.isEmpty()) {
            return new FinishAllToolCalls(List.of(Messages.tool(partial)));
        }
        return new StartGeneration(checkpoint.messagesOrEmpty());
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
