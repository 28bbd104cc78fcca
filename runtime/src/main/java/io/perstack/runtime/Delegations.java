package io.perstack.runtime;

import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.DelegatedBy;
import io.perstack.core.model.DelegationTarget;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.RunError;
import io.perstack.core.model.Step;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import io.perstack.runtime.event.Emitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delegation of docs/runtime.md §10: the segment a delegate or a return starts, and parallel children run as chains
 * of their own. The job record stays with {@link JobRunner}; this class reports every checkpoint it makes to it.
 */
final class Delegations {
    /** Looked up when there is something to report: setting up logging is a cost no ordinary run should pay. */
    private static Logger log() {
        return LoggerFactory.getLogger(Delegations.class);
    }

    /** The next segment to run: its identity and input, and the checkpoint it starts from. */
    record Segment(RunSpec run, Checkpoint start) {}

    /** Runs a chain of segments; {@code returnTo} is the parallel parent's stop checkpoint id (see JobRunner). */
    @FunctionalInterface
    interface Chain {
        Checkpoint run(RunSpec run, Checkpoint start, String returnTo);
    }

    /** How a parallel delegation hands control back to the parent. */
    sealed interface ParallelReturn {
        /** Every child completed: the parent resumes with the first child's answer. */
        record Resume(Segment next) implements ParallelReturn {}

        /** A child did not complete: the parent stopped with {@code DelegationFailed}. */
        record Failed(Checkpoint parent) implements ParallelReturn {}

        /** The job was cancelled while children ran; the parent's stop checkpoint stays the latest state. */
        record Cancelled() implements ParallelReturn {}
    }

    private final JobSettings job;
    private final RunOptions options;
    private final Emitter emitter;
    private final Consumer<Checkpoint> progress;

    /** {@code progress} folds a checkpoint into the job's totals; it may be called from several threads. */
    Delegations(JobSettings job, RunOptions options, Emitter emitter, Consumer<Checkpoint> progress) {
        this.job = job;
        this.options = options;
        this.emitter = emitter;
        this.progress = progress;
    }

    /** docs/runtime.md §10.1: a single delegate starts as a child run with the query as its input. */
    Segment child(RunSpec parent, Checkpoint parentStop, DelegationTarget target) {
        RunSpec child = parent.next(target.expert().key(), RunInput.text(target.query()));
        return new Segment(child, Checkpoint.builder().id(Ids.next()).jobId(child.jobId()).runId(child.runId())
                .status(CheckpointStatus.INIT).stepNumber(parentStop.stepNumber()).messages(List.of())
                .expert(target.expert())
                .delegatedBy(new DelegatedBy(parentStop.expert(), target.toolCallId(), target.toolName(),
                        parentStop.id(), parentStop.runId()))
                .usage(parentStop.usage()).contextWindow(parentStop.contextWindow())
                .contextWindowUsage(parentStop.contextWindowUsage()).build());
    }

    /** docs/runtime.md §10.2: a completed child returns its text to the parent, read back from storage. */
    Segment returnToParent(RunSpec current, Checkpoint child) {
        DelegatedBy by = child.delegatedBy();
        Checkpoint parent = options.storage().readCheckpoint(current.jobId(), by.checkpointId());
        RunSpec next = current.next(parent.expert().key(), RunInput.answer(new RunInput.InteractiveToolCallResult(
                by.toolCallId(), by.toolName(), "delegate/" + child.expert().key(), resultText(child))));
        return new Segment(next, parent.toBuilder().runId(next.runId()).stepNumber(child.stepNumber())
                .usage(child.usage()).delegateTo(null).build());
    }

    private static String resultText(Checkpoint child) {
        List<Message> messages = child.messagesOrEmpty();
        if (!messages.isEmpty() && messages.getLast() instanceof Message.ExpertMessage e) {
            for (MessagePart.ExpertContent c : e.contents()) {
                if (c instanceof MessagePart.TextPart t) {
                    return t.text();
                }
            }
        }
        log().warn("Delegate {} finished without a text result; returning an empty result", child.expert().key());
        return "";
    }

    /**
     * docs/runtime.md §10.3: children run concurrently on virtual threads, each as its own chain; results are collected
     * in delegation order.
     */
    ParallelReturn parallel(RunSpec parent, Checkpoint parentStop, Chain chain) {
        List<DelegationTarget> targets = parentStop.delegateTo();
        List<ChildOutcome> outcomes = new ArrayList<>(targets.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Checkpoint>> futures = new ArrayList<>();
            for (DelegationTarget t : targets) {
                Segment child = child(parent, parentStop, t);
                Checkpoint start = child.start().toBuilder().usage(Usage.ZERO).build();
                futures.add(pool.submit(() -> chain.run(child.run(), start, parentStop.id())));
            }
            for (int i = 0; i < futures.size(); i++) {
                outcomes.add(outcome(targets.get(i), futures.get(i)));
            }
        }
        if (options.control().isCancelled()) {
            return new ParallelReturn.Cancelled();
        }
        int maxStep = parentStop.stepNumber();
        Usage usage = parentStop.usage();
        for (ChildOutcome o : outcomes) {
            if (o.result() != null) {
                maxStep = Math.max(maxStep, o.result().stepNumber());
                usage = usage.plus(o.result().usage());
            }
        }
        for (ChildOutcome o : outcomes) {
            if (o.failure() != null) {
                return new ParallelReturn.Failed(stopParent(parent, parentStop, outcomes, maxStep, usage,
                        RunError.of("DelegationFailed", o.failure())));
            }
        }
        List<ToolResult> partial = new ArrayList<>(parentStop.partialToolResults() == null ? List.of()
                : parentStop.partialToolResults());
        for (int i = 1; i < outcomes.size(); i++) {
            partial.add(outcomes.get(i).toolResult());
        }
        List<String> resolved = targets.subList(1, targets.size()).stream().map(DelegationTarget::toolCallId).toList();
        List<ToolCall> pending = parentStop.pendingToolCalls() == null ? List.of()
                : parentStop.pendingToolCalls().stream().filter(c -> !resolved.contains(c.id())).toList();
        ToolResult first = outcomes.getFirst().toolResult();
        RunInput answer = RunInput.answer(new RunInput.InteractiveToolCallResult(first.id(), first.toolName(),
                first.skillName(), ((MessagePart.TextPart) first.result().getFirst()).text()));
        Checkpoint resumed = parentStop.toBuilder().status(CheckpointStatus.STOPPED_BY_DELEGATE)
                .stepNumber(maxStep).usage(usage).delegateTo(null).pendingToolCalls(pending.isEmpty() ? null : pending)
                .partialToolResults(partial).build();
        progress.accept(resumed);
        RunSpec next = parent.next(parentStop.expert().key(), answer);
        return new ParallelReturn.Resume(new Segment(next, resumed.toBuilder().runId(next.runId()).build()));
    }

    /** What one parallel child came back with: its final checkpoint, or why it did not complete. */
    private record ChildOutcome(DelegationTarget target, Checkpoint result, String failure) {
        /** The answer to the parent's delegate call: the child's final text, or the failure. */
        ToolResult toolResult() {
            return new ToolResult(target.toolCallId(), "delegate/" + target.expert().key(), target.toolName(),
                    List.of(new MessagePart.TextPart(Ids.next(), failure == null ? resultText(result) : failure)));
        }
    }

    private static ChildOutcome outcome(DelegationTarget target, Future<Checkpoint> future) {
        String key = target.expert().key();
        try {
            Checkpoint result = future.get();
            return result.status() == CheckpointStatus.COMPLETED ? new ChildOutcome(target, result, null)
                    : new ChildOutcome(target, result, "Delegate " + key + " stopped with status "
                            + result.status().wire());
        } catch (ExecutionException e) {
            // Storage failures stay fatal for the whole job (docs/storage.md §3); anything else the child threw
            // (a skill that would not start, a bad delegation) is that child's failure, reported to its parent.
            if (e.getCause() instanceof java.io.UncheckedIOException io) {
                throw io;
            }
            String message = e.getCause().getMessage() == null ? e.getCause().toString() : e.getCause().getMessage();
            log().warn("Delegate {} failed: {}", key, message);
            return new ChildOutcome(target, null, "Delegate " + key + " failed: " + message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for delegates", e);
        }
    }

    /**
     * Ends the parent with {@code DelegationFailed} in a run segment of its own. Its history answers every call of
     * the delegating batch (children's texts or failures, and calls that never ran), so a later {@code --continue}
     * sends the provider a valid conversation.
     */
    private Checkpoint stopParent(RunSpec parent, Checkpoint parentStop, List<ChildOutcome> outcomes,
                                  int maxStep, Usage usage, RunError error) {
        RunSpec s = parent.next(parentStop.expert().key(), null);
        int step = maxStep + 1;
        List<ToolResult> results = new ArrayList<>(parentStop.partialToolResults() == null ? List.of()
                : parentStop.partialToolResults());
        outcomes.forEach(o -> results.add(o.toolResult()));
        for (ToolCall notRun : parentStop.pendingToolCalls() == null ? List.<ToolCall>of()
                : parentStop.pendingToolCalls()) {
            results.add(new ToolResult(notRun.id(), notRun.skillName(), notRun.toolName(), List.of(
                    new MessagePart.TextPart(Ids.next(), "Not executed: " + error.message()))));
        }
        List<MessagePart.ToolResultPart> parts = new ArrayList<>(results.size());
        for (ToolResult r : results) {
            parts.add(new MessagePart.ToolResultPart(Ids.next(), r.id(), r.toolName(), r.result(), r.isError()));
        }
        Message.ToolMessage answers = new Message.ToolMessage(Ids.next(), parts, null);
        Checkpoint initial = parentStop.toBuilder().id(Ids.next()).runId(s.runId()).stepNumber(step).usage(usage)
                .delegateTo(null).messageRef(null).build();
        Checkpoint stopped = initial.toBuilder().status(CheckpointStatus.STOPPED_BY_ERROR).error(error)
                .pendingToolCalls(null).partialToolResults(null).build().withMessagesAppended(List.of(answers));
        long now = System.currentTimeMillis();
        options.storage().beginRun(s.jobId(), s.runId(), parentStop);
        try {
            options.storage().writeRunSetting(s.jobId(), s.runId(), new RunSetting(job, s).toStored(now));
            emitState(s, initial, new EventPayload.StartRun(initial, List.of()));
            Step done = Step.start(step, now).withNewMessages(List.of(answers)).withToolResults(results)
                    .finished(System.currentTimeMillis());
            emitState(s, stopped, new EventPayload.StopRunByError(stopped, done, error));
        } finally {
            options.storage().endRun(s.jobId(), s.runId());
        }
        progress.accept(stopped);
        return stopped;
    }

    private void emitState(RunSpec s, Checkpoint c, EventPayload.State payload) {
        emitter.emit(new Event(Ids.next(), c.expert().key(), System.currentTimeMillis(), s.jobId(), s.runId(),
                c.stepNumber(), payload));
    }
}
