package io.perstack.runtime.storage;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.DelegatedBy;
import io.perstack.core.model.ExpertRef;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Step;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import io.perstack.runtime.event.Emitter;
import java.util.List;

/**
 * Calls storage the way the run loop does (docs/runtime.md §5): {@code beginRun} with the checkpoint the run starts from,
 * then every event through the real {@link Emitter}, which stores a carried checkpoint in wire form before the event.
 * Each tool step adds an expert message with one tool call and a tool message whose result has a fixed size, so
 * every step has the same amount of new content.
 */
final class RunDriver {
    static final ExpertRef EXPERT = new ExpertRef("coordinator", "coordinator", "1.0.0");

    private final Storage storage;
    private final Emitter emitter;
    private final String jobId;
    private final String runId;
    private final int resultChars;
    private Checkpoint checkpoint;

    private RunDriver(Storage storage, Emitter emitter, String jobId, String runId, int resultChars) {
        this.storage = storage;
        this.emitter = emitter;
        this.jobId = jobId;
        this.runId = runId;
        this.resultChars = resultChars;
    }

    /** A fresh job's first run: instruction and user message, step 1. */
    static RunDriver fresh(Storage storage, Emitter emitter, String jobId, String runId, int resultChars) {
        RunDriver d = new RunDriver(storage, emitter, jobId, runId, resultChars);
        storage.beginRun(jobId, runId, null);
        d.runtimeEvent();
        Checkpoint initial = Checkpoint.builder().id(Ids.next()).jobId(jobId).runId(runId)
                .status(CheckpointStatus.INIT).stepNumber(1).messages(List.of()).expert(EXPERT).usage(Usage.ZERO)
                .build();
        d.start(initial, List.of(new Message.InstructionMessage(Ids.next(), List.of(text("You are a test.")), true),
                user("Do the thing")));
        return d;
    }

    /**
     * A continuation, resume or branch: {@code given} is the checkpoint the runtime passes to {@code beginRun}
     * (a retrieved one keeps its {@code messageRef}); the loop itself works on a copy without it, as JobRunner does.
     */
    static RunDriver continuing(Storage storage, Emitter emitter, Checkpoint given, String runId, int resultChars) {
        RunDriver d = new RunDriver(storage, emitter, given.jobId(), runId, resultChars);
        storage.beginRun(given.jobId(), runId, given);
        d.runtimeEvent();
        Checkpoint initial = given.toBuilder().id(Ids.next()).runId(runId).stepNumber(given.stepNumber() + 1)
                .messageRef(null).build();
        d.start(initial, List.of(user("Continue please")));
        return d;
    }

    /** A delegated child: empty history, {@code delegatedBy} set, started from the parent's stop step. */
    static RunDriver child(Storage storage, Emitter emitter, Checkpoint parentStop, String runId, int resultChars) {
        RunDriver d = new RunDriver(storage, emitter, parentStop.jobId(), runId, resultChars);
        Checkpoint given = Checkpoint.builder().id(Ids.next()).jobId(parentStop.jobId()).runId(runId)
                .status(CheckpointStatus.INIT).stepNumber(parentStop.stepNumber()).messages(List.of())
                .expert(new ExpertRef("child", "child", "1.0.0"))
                .delegatedBy(new DelegatedBy(parentStop.expert(), "tc", "child", parentStop.id(), parentStop.runId()))
                .usage(parentStop.usage()).build();
        storage.beginRun(given.jobId(), runId, given);
        Checkpoint initial = given.toBuilder().id(Ids.next()).stepNumber(given.stepNumber() + 1).build();
        d.start(initial, List.of(new Message.InstructionMessage(Ids.next(), List.of(text("Child.")), true),
                user("Sub task")));
        return d;
    }

    String runId() {
        return runId;
    }

    Checkpoint checkpoint() {
        return checkpoint;
    }

    /** startGeneration → callTools → resolveToolResults → finishToolCall → continueToNextStep. */
    Checkpoint toolStep() {
        int n = checkpoint.stepNumber();
        emit(new EventPayload.StartGeneration(checkpoint.messagesOrEmpty()));
        ToolCall call = new ToolCall(Ids.next(), "@perstack/base", "readTextFile",
                JsonNodeFactory.instance.objectNode().put("path", "file-" + n % 10 + ".txt"));
        Message.ExpertMessage expert = new Message.ExpertMessage(Ids.next(), List.of(
                new MessagePart.ToolCallPart(Ids.next(), call.id(), call.toolName(), call.args())), null);
        Usage usage = new Usage(100, 20, 0, 120, 0);
        emit(new EventPayload.CallTools(expert, List.of(call), usage));
        checkpoint = checkpoint.toBuilder().usage(checkpoint.usage().plus(usage)).build()
                .withMessagesAppended(List.of(expert));
        ToolResult result = new ToolResult(call.id(), call.skillName(), call.toolName(),
                List.of(text("r".repeat(resultChars))));
        emit(new EventPayload.ResolveToolResults(List.of(result)));
        Message.ToolMessage tool = new Message.ToolMessage(Ids.next(), List.of(new MessagePart.ToolResultPart(
                Ids.next(), call.id(), call.toolName(), result.result(), null)), null);
        emit(new EventPayload.FinishToolCall(List.of(tool)));
        checkpoint = checkpoint.withMessagesAppended(List.of(tool));
        Step step = new Step(n, null, List.of(expert, tool), List.of(call), List.of(result), null, null, usage,
                1000L * n, 1000L * n + 500);
        Checkpoint next = checkpoint.toBuilder().id(Ids.next()).stepNumber(n + 1).build();
        emit(new EventPayload.ContinueToNextStep(checkpoint, step, next));
        checkpoint = next;
        return checkpoint;
    }

    /** A final generation: streams the text (deltas are display-only) and completes the run. */
    Checkpoint complete(String text) {
        int n = checkpoint.stepNumber();
        emit(new EventPayload.StartGeneration(checkpoint.messagesOrEmpty()));
        emit(new EventPayload.StartStreamingRunResult());
        emit(new EventPayload.StreamRunResult(text));
        emit(new EventPayload.CompleteStreamingRunResult(text));
        Message.ExpertMessage answer = new Message.ExpertMessage(Ids.next(), List.of(text(text)), null);
        Checkpoint done = checkpoint.toBuilder().status(CheckpointStatus.COMPLETED).build()
                .withMessagesAppended(List.of(answer));
        emit(new EventPayload.CompleteRun(done, Step.start(n, 1000L * n).withNewMessages(List.of(answer)), text,
                Usage.ZERO));
        checkpoint = done;
        storage.endRun(jobId, runId);
        return done;
    }

    /** Stops the run waiting for an interactive answer, as after {@code callInteractiveTool}. */
    Checkpoint stopForAnswer() {
        int n = checkpoint.stepNumber();
        ToolCall call = new ToolCall(Ids.next(), "interactive", "askUser",
                JsonNodeFactory.instance.objectNode().put("question", "Which one?"));
        Checkpoint stopped = checkpoint.toBuilder().status(CheckpointStatus.STOPPED_BY_INTERACTIVE_TOOL)
                .pendingToolCalls(List.of(call)).build();
        emit(new EventPayload.StopRunByInteractiveTool(stopped, Step.start(n, 1000L * n)));
        checkpoint = stopped;
        storage.endRun(jobId, runId);
        return stopped;
    }

    /** Stops the run for a delegation, as after {@code callDelegate}. */
    Checkpoint stopForDelegate() {
        int n = checkpoint.stepNumber();
        Checkpoint stopped = checkpoint.toBuilder().status(CheckpointStatus.STOPPED_BY_DELEGATE).build();
        emit(new EventPayload.StopRunByDelegate(stopped, Step.start(n, 1000L * n)));
        checkpoint = stopped;
        storage.endRun(jobId, runId);
        return stopped;
    }

    private void start(Checkpoint initial, List<Message> input) {
        checkpoint = initial;
        emit(new EventPayload.StartRun(initial, input));
        checkpoint = initial.toBuilder().status(CheckpointStatus.PROCEEDING).build().withMessagesAppended(input);
    }

    private void runtimeEvent() {
        emitter.emit(new Event(Ids.next(), null, System.currentTimeMillis(), jobId, runId, null,
                new EventPayload.SkillStarting("@perstack/base", "perstack-base", List.of("--stdio"))));
    }

    private void emit(EventPayload payload) {
        emitter.emit(new Event(Ids.next(), EXPERT.key(), System.currentTimeMillis(), jobId, runId,
                checkpoint == null ? 1 : checkpoint.stepNumber(), payload));
    }

    static MessagePart.TextPart text(String text) {
        return new MessagePart.TextPart(Ids.next(), text);
    }

    static Message.UserMessage user(String text) {
        return new Message.UserMessage(Ids.next(), List.of(text(text)), null);
    }
}
