package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.DelegationTarget;
import io.perstack.core.model.ExpertRef;
import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
import io.perstack.core.model.Usage;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ModelCatalog;
import io.perstack.runtime.cost.CostMeter;
import io.perstack.runtime.event.Emitter;
import io.perstack.runtime.loop.RunLoop;
import io.perstack.runtime.prompt.Instruction;
import io.perstack.skills.SkillSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job loop of docs/runtime.md §3: runs segments until the coordinator completes or a run stops, following
 * delegations ({@link Delegations}) down and back up, and keeps the job record current. The job's sandbox and base
 * skill ({@link JobResources}) live as long as the job.
 */
final class JobRunner {
    private final JobSettings settings;
    private final RunSpec first;
    private final RunOptions options;
    private final Emitter emitter;
    private final LlmClient llm;
    private final JobResources resources;
    private final Delegations delegations;
    // Backend events (proxyAccess) arrive on the backend's threads and are attributed to the run in progress.
    private volatile RunSpec currentRun;
    private final CostMeter cost;
    // A fresh job gets its record with its first run's startRun: a job that fails before it leaves none behind.
    private final boolean fresh;
    private boolean recorded;
    private Job job;

    JobRunner(RunSetting setting, RunOptions options, Job existing) {
        this.settings = setting.job();
        this.first = setting.run();
        this.options = options;
        this.emitter = new Emitter(options.storage(), options.listeners(), this::persisted);
        this.llm = options.llm().apply(settings);
        this.currentRun = first;
        this.resources = new JobResources(setting, options, p -> emitRuntime(currentRun, p));
        this.delegations = new Delegations(settings, options, emitter, this::progress);
        String provider = settings.providerConfig().providerName();
        this.cost = new CostMeter(ModelCatalog.price(provider, settings.model(), settings.pricing()),
                existing == null || existing.estimatedCostUsd() == null ? 0 : existing.estimatedCostUsd(),
                existing == null ? Usage.ZERO : existing.usage());
        this.fresh = existing == null;
        long now = System.currentTimeMillis();
        this.job = existing != null
                ? existing.withStatus(JobStatus.RUNNING, null)
                : new Job(first.jobId(), JobStatus.RUNNING, first.expertKey(), 0, settings.maxSteps(),
                        Usage.ZERO, now, null, cost.estimate());
    }

    /** Runs the job to its end and returns the coordinator's final checkpoint. */
    Checkpoint run(Checkpoint start) {
        // A delegated child's checkpoint picked by the user runs as a top-level run (docs/runtime.md §15): it has no
        // parent to return to in this invocation.
        Checkpoint top = start == null || start.delegatedBy() == null ? start
                : start.toBuilder().delegatedBy(null).build();
        try (resources) {
            return loop(first, top, null);
        }
    }

    /**
     * Runs one chain of segments. {@code returnTo} is null for the job's own chain; for a child of a parallel
     * delegation it is the parent's stop checkpoint, and the chain ends when the child itself (not one of its own
     * delegates) stops, leaving the job's status to the parent.
     */
    private Checkpoint loop(RunSpec run, Checkpoint start, String returnTo) {
        RunSpec current = run;
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
                        Delegations.Segment back = delegations.returnToParent(current, result);
                        current = back.run();
                        checkpoint = back.start();
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
                        Delegations.Segment child = delegations.child(current, result, targets.getFirst());
                        current = child.run();
                        checkpoint = child.start();
                    } else {
                        switch (delegations.parallel(current, result, this::loop)) {
                            case Delegations.ParallelReturn.Resume r -> {
                                current = r.next().run();
                                checkpoint = r.next().start();
                            }
                            case Delegations.ParallelReturn.Failed f -> {
                                if (returnTo == null) {
                                    finish(JobStatus.STOPPED_BY_ERROR);
                                } else {
                                    writeJob();
                                }
                                return f.parent();
                            }
                            case Delegations.ParallelReturn.Cancelled c -> {
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

    // ---------------------------------------------------------------- one segment (docs/runtime.md §4)

    private Checkpoint executeRun(RunSpec run, Checkpoint given) {
        Map<String, ExpertConfig> experts = settings.experts();
        ExpertConfig expert = experts.get(run.expertKey());
        if (expert == null) {
            throw new IllegalStateException("Expert \"" + run.expertKey() + "\" not found");
        }
        currentRun = run;
        List<Instruction.DelegateInfo> delegates = new ArrayList<>();
        for (String key : expert.delegates()) {
            ExpertConfig d = experts.get(key);
            if (d == null) {
                throw new IllegalStateException("Delegate expert \"" + key + "\" not found in experts");
            }
            delegates.add(new Instruction.DelegateInfo(d.name(), d.description()));
        }
        emitRuntime(run, new EventPayload.InitializeRuntime(Version.current(), settings.runtime(), expert.key(),
                List.copyOf(experts.keySet()), settings.model(), settings.maxSteps(), settings.maxRetries(),
                settings.timeout(), run.input() == null ? null : run.input().text(), interactiveCall(run)));
        boolean delegated = given != null && given.delegatedBy() != null;
        SkillSet skills = SkillSet.start(new SkillSet.Spec(expert, delegated, resources.baseSkill(),
                key -> Optional.ofNullable(experts.get(key)), p -> emitRuntime(run, p),
                resources.mcp().withLockedTools(options.lockedTools().apply(expert))));
        RunSetting setting = new RunSetting(settings, run);
        try {
            Checkpoint initial = initialCheckpoint(run, expert, given);
            options.storage().beginRun(run.jobId(), run.runId(), given);
            options.storage().writeRunSetting(run.jobId(), run.runId(), setting.toStored(System.currentTimeMillis()));
            RunLoop loop = new RunLoop(new RunLoop.Context(setting, expert, skills, llm, emitter, cost,
                    options.control(), Instant.ofEpochMilli(run.startedAt()), resources.workingDirectory(),
                    delegates, initial.contextWindow()));
            return loop.run(initial);
        } finally {
            skills.close();
            options.storage().writeRunSetting(run.jobId(), run.runId(), setting.toStored(System.currentTimeMillis()));
            options.storage().endRun(run.jobId(), run.runId());
        }
    }

    private static EventPayload.InitializeRuntime.InteractiveToolCall interactiveCall(RunSpec run) {
        RunInput.InteractiveToolCallResult r = run.input() == null ? null : run.input().interactiveToolCallResult();
        return r == null ? null
                : new EventPayload.InitializeRuntime.InteractiveToolCall(r.toolName(), r.toolCallId(), r.text());
    }

    private Checkpoint initialCheckpoint(RunSpec run, ExpertConfig expert, Checkpoint given) {
        if (given != null) {
            return given.toBuilder().id(Ids.next()).runId(run.runId()).jobId(run.jobId())
                    .stepNumber(given.stepNumber() + 1).messageRef(null).build();
        }
        Long window = ModelCatalog.contextWindow(settings.providerConfig().providerName(), settings.model());
        return Checkpoint.builder().id(Ids.next()).jobId(run.jobId()).runId(run.runId())
                .status(CheckpointStatus.INIT).stepNumber(1).messages(List.of())
                .expert(new ExpertRef(expert.key(), expert.name(), expert.version())).usage(Usage.ZERO)
                .contextWindow(window).contextWindowUsage(window == null ? null : 0.0).build();
    }

    private void emitRuntime(RunSpec run, EventPayload.Runtime payload) {
        emitter.emit(new Event(Ids.next(), null, System.currentTimeMillis(), run.jobId(), run.runId(), null,
                payload));
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
                    // The checkpoint itself is durable; forcing its summary to disk too costs a step two fsyncs.
                    options.storage().writeJobProgress(job);
                    recorded = true;
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
