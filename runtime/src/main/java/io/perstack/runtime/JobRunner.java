package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.DelegatedBy;
import io.perstack.core.model.DelegationTarget;
import io.perstack.core.model.ExpertRef;
import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.RunError;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ModelCatalog;
import io.perstack.runtime.cost.CostMeter;
import io.perstack.runtime.event.Emitter;
import io.perstack.runtime.loop.RunLoop;
import io.perstack.runtime.prompt.Instruction;
import io.perstack.skills.SkillSet;
import io.perstack.skills.base.BaseSkillHost;
import io.perstack.skills.mcp.McpLimits;
import io.perstack.skills.mcp.McpServer;
import io.perstack.skills.mcp.McpSetup;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job loop of docs/runtime.md §3: runs segments until the coordinator completes or a run stops, following
 * delegations down and back up, and keeps the job record current.
 */
final class JobRunner {
    /** Looked up when there is something to report: setting up logging is a cost no ordinary run should pay. */
    private static Logger log() {
        return LoggerFactory.getLogger(JobRunner.class);
    }

    private final RunOptions options;
    private final Emitter emitter;
    private final LlmClient llm;
    private final IsolationBackends.JobIsolation isolation;
    private final BaseSkillHost baseSkill;
    private final McpSetup mcp;
    // Backend events (proxyAccess) arrive on the backend's threads and are attributed to the run in progress.
    private volatile RunSetting currentRun;
    private final String workingDirectory;
    private final CostMeter cost;
    // A fresh job gets its record with its first run's startRun: a job that fails before it leaves none behind.
    private final boolean fresh;
    private boolean recorded;
    private Job job;

    JobRunner(RunSetting setting, RunOptions options, Job existing) {
        this.options = options;
        this.emitter = new Emitter(options.storage(), options.listeners(), this::persisted);
        this.llm = options.llm().apply(setting);
        Path workspace = setting.workspace().toAbsolutePath().normalize();
        List<Path> denied = new ArrayList<>();
        if (options.storageRoot() != null) {
            denied.add(options.storageRoot().toAbsolutePath().normalize());
        }
        this.currentRun = setting;
        List<Path> startup = new ArrayList<>(options.startupFiles());
        for (String name : List.of("perstack.toml", "perstack.lock", ".env", ".env.local")) {
            startup.add(workspace.resolve(name));
        }
        // What a later run executes from the package cache must be out of reach of this job's sandboxes and tools.
        SkillPackageCache packageCache = SkillPackageCache.forRuntime(setting.runtime(), workspace);
        denied.addAll(packageCache.protect());
        startup.addAll(packageCache.protect());
        this.isolation = IsolationBackends.open(setting, workspace, denied, options.maskedEnvFiles(), startup,
                options.requireLimits(), p -> emitRuntime(currentRun, p),
                packageCache.packages(options.lockedPackages(), System.err::println));
        options.control().onCancel(isolation::terminateRunning);
        // What the model sees as its working directory: /workspace inside a sandbox (docs/isolation.md §3).
        this.workingDirectory = isolation.visibleRoot();
        EnvironmentPolicy environment = isolation.environment(setting.env(), setting.extraEnvNames());
        try {
            this.baseSkill = BaseSkillHost.open(workspace, isolation.visibleRoot(), denied,
                    options.maskedEnvFiles(), isolation.readOnlyPaths(), isolation.launcher("exec"), environment);
        } catch (RuntimeException e) {
            isolation.close();
            throw e;
        }
        // One environment builder for every launch path (SR-34): the same policy as exec, plus each skill's own
        // requiredEnv inside SkillSet; each skill gets its own launcher so egress decisions name it.
        this.mcp = new McpSetup(isolation::launcher, environment, workspace, setting.perstackBaseSkillCommand(),
                new McpServer.RemoteAccess(null, setting.proxyUrl()), McpLimits.DEFAULT, Version.current(), null,
                isolation.packages());
        String provider = setting.providerConfig().providerName();
        this.cost = new CostMeter(ModelCatalog.price(provider, setting.model(), setting.pricing()),
                existing == null || existing.estimatedCostUsd() == null ? 0 : existing.estimatedCostUsd(),
                existing == null ? Usage.ZERO : existing.usage());
        this.fresh = existing == null;
        long now = System.currentTimeMillis();
        this.job = existing != null
                ? existing.withStatus(JobStatus.RUNNING, null)
                : new Job(setting.jobId(), JobStatus.RUNNING, setting.expertKey(), 0, setting.maxSteps(),
                        Usage.ZERO, now, null, cost.estimate());
    }

    /** Runs the job to its end and returns the coordinator's final checkpoint. */
    Checkpoint run(RunSetting setting, Checkpoint start) {
        // A delegated child's checkpoint picked by the user runs as a top-level run (docs/runtime.md §15): it has no
        // parent to return to in this invocation.
        Checkpoint top = start == null || start.delegatedBy() == null ? start
                : start.toBuilder().delegatedBy(null).build();
        try (isolation; baseSkill) {
            return loop(setting, top, null);
        }
    }

    /**
     * Runs one chain of segments. {@code returnTo} is null for the job's own chain; for a child of a parallel
     * delegation it is the parent's stop checkpoint, and the chain ends when the child itself (not one of its own
     * delegates) stops, leaving the job's status to the parent.
     */
    private Checkpoint loop(RunSetting setting, Checkpoint start, String returnTo) {
        RunSetting current = setting;
        Checkpoint checkpoint = start;
        while (true) {
            Checkpoint result = executeRun(current, checkpoint);
            progress(result);
            if (returnTo != null && !continuesInChain(result, returnTo)) {
                // A parallel child's chain ends here, however it ended; its parent decides what the job becomes.
                writeJob();
                return result;
            }
            switch (result.status()) {
                case COMPLETED -> {
                    if (result.delegatedBy() != null) {
                        writeJob();
                        Checkpoint parent = options.storage().readCheckpoint(current.jobId(),
                                result.delegatedBy().checkpointId());
                        current = returnSetting(current, result, parent);
                        checkpoint = returnCheckpoint(current, result, parent);
                    } else {
                        finish(JobStatus.COMPLETED);
                        return result;
                    }
                }
                case STOPPED_BY_INTERACTIVE_TOOL -> {
                    status(JobStatus.STOPPED_BY_INTERACTIVE_TOOL, false);
                    return result;
                }
                case STOPPED_BY_DELEGATE -> {
                    writeJob();
                    List<DelegationTarget> targets = result.delegateTo();
                    if (targets.size() == 1) {
                        current = childSetting(current, targets.getFirst());
                        checkpoint = childCheckpoint(current, result, targets.getFirst());
                    } else {
                        switch (runInParallel(current, result)) {
                            case ParallelReturn.Resume r -> {
                                current = current.forRun(Ids.next(), result.expert().key(), r.answer(),
                                        System.currentTimeMillis());
                                checkpoint = r.parent().toBuilder().runId(current.runId()).build();
                            }
                            case ParallelReturn.Failed f -> {
                                if (returnTo == null) {
                                    finish(JobStatus.STOPPED_BY_ERROR);
                                } else {
                                    writeJob();
                                }
                                return f.parent();
                            }
                            case ParallelReturn.Cancelled c -> {
                                writeJob();
                                return result;
                            }
                        }
                    }
                }
                case STOPPED_BY_EXCEEDED_MAX_STEPS -> {
                    finish(JobStatus.STOPPED_BY_MAX_STEPS);
                    return result;
                }
                case STOPPED_BY_ERROR -> {
                    finish(JobStatus.STOPPED_BY_ERROR);
                    return result;
                }
                default -> {
                    // Cancelled or stopped by the continue hook: the job stays running and resumable.
                    writeJob();
                    return result;
                }
            }
        }
    }

    /**
     * Whether a segment of a parallel child's chain hands on within the chain: it delegates further down, or one of
     * the child's own delegates completed and returns to it. The child itself returns to {@code returnTo}.
     */
    private static boolean continuesInChain(Checkpoint result, String returnTo) {
        return result.status() == CheckpointStatus.STOPPED_BY_DELEGATE
                || (result.status() == CheckpointStatus.COMPLETED && result.delegatedBy() != null
                        && !returnTo.equals(result.delegatedBy().checkpointId()));
    }

    /** How a parallel delegation hands control back to the parent. */
    private sealed interface ParallelReturn {
        /** Every child completed: the parent resumes from {@code parent} with the first child's answer. */
        record Resume(Checkpoint parent, RunInput answer) implements ParallelReturn {}

        /** A child did not complete: the parent stopped with {@code DelegationFailed}. */
        record Failed(Checkpoint parent) implements ParallelReturn {}

        /** The job was cancelled while children ran; the parent's stop checkpoint stays the latest state. */
        record Cancelled() implements ParallelReturn {}
    }

    // ---------------------------------------------------------------- one segment (docs/runtime.md §4)

    private Checkpoint executeRun(RunSetting setting, Checkpoint given) {
        ExpertConfig expert = setting.experts().get(setting.expertKey());
        if (expert == null) {
            throw new IllegalStateException("Expert \"" + setting.expertKey() + "\" not found");
        }
        currentRun = setting;
        List<Instruction.DelegateInfo> delegates = new ArrayList<>();
        for (String key : expert.delegates()) {
            ExpertConfig d = setting.experts().get(key);
            if (d == null) {
                throw new IllegalStateException("Delegate expert \"" + key + "\" not found in experts");
            }
            delegates.add(new Instruction.DelegateInfo(d.name(), d.description()));
        }
        emitRuntime(setting, new EventPayload.InitializeRuntime(Version.current(), setting.runtime(), expert.key(),
                List.copyOf(setting.experts().keySet()), setting.model(), setting.maxSteps(), setting.maxRetries(),
                setting.timeout(), setting.input() == null ? null : setting.input().text(),
                interactiveCall(setting)));
        boolean delegated = given != null && given.delegatedBy() != null;
        SkillSet skills = SkillSet.start(new SkillSet.Spec(expert, delegated, baseSkill,
                key -> Optional.ofNullable(setting.experts().get(key)), p -> emitRuntime(setting, p),
                mcp.withLockedTools(options.lockedTools().apply(expert))));
        try {
            Checkpoint initial = initialCheckpoint(setting, expert, given);
            options.storage().beginRun(setting.jobId(), setting.runId(), given);
            options.storage().writeRunSetting(setting.jobId(), setting.runId(),
                    setting.toStored(System.currentTimeMillis()));
            RunLoop loop = new RunLoop(new RunLoop.Context(setting, expert, skills, llm, emitter, cost,
                    options.control(), Instant.ofEpochMilli(setting.startedAt()), workingDirectory, delegates,
                    initial.contextWindow()));
            return loop.run(initial);
        } finally {
            skills.close();
            options.storage().writeRunSetting(setting.jobId(), setting.runId(),
                    setting.toStored(System.currentTimeMillis()));
            options.storage().endRun(setting.jobId(), setting.runId());
        }
    }

    private static EventPayload.InitializeRuntime.InteractiveToolCall interactiveCall(RunSetting setting) {
        RunInput.InteractiveToolCallResult r = setting.input() == null ? null
                : setting.input().interactiveToolCallResult();
        return r == null ? null
                : new EventPayload.InitializeRuntime.InteractiveToolCall(r.toolName(), r.toolCallId(), r.text());
    }

    private Checkpoint initialCheckpoint(RunSetting setting, ExpertConfig expert, Checkpoint given) {
        if (given != null) {
            return given.toBuilder().id(Ids.next()).runId(setting.runId()).jobId(setting.jobId())
                    .stepNumber(given.stepNumber() + 1).messageRef(null).build();
        }
        Long window = ModelCatalog.contextWindow(setting.providerConfig().providerName(), setting.model());
        return Checkpoint.builder().id(Ids.next()).jobId(setting.jobId()).runId(setting.runId())
                .status(CheckpointStatus.INIT).stepNumber(1).messages(List.of())
                .expert(new ExpertRef(expert.key(), expert.name(), expert.version())).usage(Usage.ZERO)
                .contextWindow(window).contextWindowUsage(window == null ? null : 0.0).build();
    }

    private void emitRuntime(RunSetting setting, EventPayload.Runtime payload) {
        emitter.emit(new Event(Ids.next(), null, System.currentTimeMillis(), setting.jobId(), setting.runId(), null,
                payload));
    }

    // ---------------------------------------------------------------- delegation (docs/runtime.md §10)

    private RunSetting childSetting(RunSetting parent, DelegationTarget target) {
        return parent.forRun(Ids.next(), target.expert().key(), RunInput.text(target.query()),
                System.currentTimeMillis());
    }

    private Checkpoint childCheckpoint(RunSetting child, Checkpoint parentStop, DelegationTarget target) {
        return Checkpoint.builder().id(Ids.next()).jobId(child.jobId()).runId(child.runId())
                .status(CheckpointStatus.INIT).stepNumber(parentStop.stepNumber()).messages(List.of())
                .expert(target.expert())
                .delegatedBy(new DelegatedBy(parentStop.expert(), target.toolCallId(), target.toolName(),
                        parentStop.id(), parentStop.runId()))
                .usage(parentStop.usage()).contextWindow(parentStop.contextWindow())
                .contextWindowUsage(parentStop.contextWindowUsage()).build();
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

    private RunSetting returnSetting(RunSetting current, Checkpoint child, Checkpoint parent) {
        DelegatedBy by = child.delegatedBy();
        return current.forRun(Ids.next(), parent.expert().key(), RunInput.answer(
                new RunInput.InteractiveToolCallResult(by.toolCallId(), by.toolName(),
                        "delegate/" + child.expert().key(), resultText(child))), System.currentTimeMillis());
    }

    private Checkpoint returnCheckpoint(RunSetting next, Checkpoint child, Checkpoint parent) {
        return parent.toBuilder().runId(next.runId()).stepNumber(child.stepNumber()).usage(child.usage())
                .delegateTo(null).build();
    }

    /**
     * docs/runtime.md §10.3: children run concurrently on virtual threads, each as its own chain; results are collected
     * in delegation order.
     */
    private ParallelReturn runInParallel(RunSetting parentSetting, Checkpoint parentStop) {
        List<DelegationTarget> targets = parentStop.delegateTo();
        List<ChildOutcome> outcomes = new ArrayList<>(targets.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Checkpoint>> futures = new ArrayList<>();
            for (DelegationTarget t : targets) {
                RunSetting child = childSetting(parentSetting, t);
                Checkpoint start = childCheckpoint(child, parentStop, t).toBuilder().usage(Usage.ZERO).build();
                futures.add(pool.submit(() -> loop(child, start, parentStop.id())));
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
                return new ParallelReturn.Failed(stopParent(parentSetting, parentStop, outcomes, maxStep, usage,
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
        synchronized (this) {
            job = job.withProgress(Math.max(job.totalSteps(), maxStep), cost.usage(), cost.estimate());
        }
        return new ParallelReturn.Resume(parentStop.toBuilder().status(CheckpointStatus.STOPPED_BY_DELEGATE)
                .stepNumber(maxStep).usage(usage).delegateTo(null).pendingToolCalls(pending.isEmpty() ? null : pending)
                .partialToolResults(partial).build(), answer);
    }

    /** What one parallel child came back with: its final checkpoint, or why it did not complete. */
    private record ChildOutcome(DelegationTarget target, Checkpoint result, String failure) {
        /** The answer to the parent's delegate call: the child's final text, or the failure. */
        ToolResult toolResult() {
            return new ToolResult(target.toolCallId(), "delegate/" + target.expert().key(), target.toolName(),
                    List.of(new MessagePart.TextPart(Ids.next(), failure == null ? resultText(result) : failure)));
        }
    }

    private ChildOutcome outcome(DelegationTarget target, Future<Checkpoint> future) {
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
    private Checkpoint stopParent(RunSetting parentSetting, Checkpoint parentStop, List<ChildOutcome> outcomes,
                                  int maxStep, Usage usage, RunError error) {
        RunSetting s = parentSetting.forRun(Ids.next(), parentStop.expert().key(), null, System.currentTimeMillis());
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
            options.storage().writeRunSetting(s.jobId(), s.runId(), s.toStored(now));
            emitState(s, initial, new EventPayload.StartRun(initial, List.of()));
            io.perstack.core.model.Step done = io.perstack.core.model.Step.start(step, now)
                    .withNewMessages(List.of(answers)).withToolResults(results).finished(System.currentTimeMillis());
            emitState(s, stopped, new EventPayload.StopRunByError(stopped, done, error));
        } finally {
            options.storage().endRun(s.jobId(), s.runId());
        }
        progress(stopped);
        return stopped;
    }

    private void emitState(RunSetting s, Checkpoint c, EventPayload.State payload) {
        emitter.emit(new Event(Ids.next(), c.expert().key(), System.currentTimeMillis(), s.jobId(), s.runId(),
                c.stepNumber(), payload));
    }

    // ---------------------------------------------------------------- job record

    /**
     * The job's totals after a checkpoint (docs/storage.md): the highest step any run reached (parallel children
     * finish in any order; a branch may restart below it), and the tokens and cost of every generation the job ran,
     * which only grow. A checkpoint's own usage is not the job's: on a branch it counts from the older checkpoint.
     */
    private synchronized void progress(Checkpoint result) {
        job = job.withProgress(Math.max(job.totalSteps(), result.stepNumber()), cost.usage(), cost.estimate());
    }

    /**
     * Keeps job.json in step with the history: written with the first startRun of this invocation, then at every
     * checkpoint, so an interrupted or killed job says how far it got. One small atomic write per step: its size
     * does not depend on the length of the history.
     */
    private void persisted(Event event) {
        switch (event.payload()) {
            case EventPayload.StartRun s -> {
                synchronized (this) {
                    if (!recorded) {
                        writeJob();
                    }
                }
            }
            case EventPayload.WithCheckpoint c -> {
                synchronized (this) {
                    progress(c.checkpoint());
                    writeJob();
                }
            }
            default -> { }
        }
    }

    private synchronized void status(JobStatus status, boolean finished) {
        job = job.withStatus(status, finished ? System.currentTimeMillis() : null);
        writeJob();
    }

    private void finish(JobStatus status) {
        status(status, true);
    }

    private synchronized void writeJob() {
        options.storage().writeJob(job);
        recorded = true;
    }

    /**
     * Marks the job stopped by error after a thrown failure (docs/runtime.md §12). A fresh job that failed before its first
     * run started (unknown delegate, a skill that would not start) gets no record at all, as in the TypeScript
     * implementation: it never ran, and must not become the latest job.
     */
    synchronized void failed() {
        if (fresh && !recorded) {
            return;
        }
        job = job.withStatus(JobStatus.STOPPED_BY_ERROR, System.currentTimeMillis());
        writeJob();
    }
}
