package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
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
import io.perstack.skills.DelegateSkill;
import io.perstack.skills.SkillSet;
import io.perstack.skills.base.BaseSkillHost;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job loop of runtime.md §3: runs segments until the coordinator completes or a run stops, following
 * delegations down and back up, and keeps the job record current.
 */
final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final RunOptions options;
    private final Emitter emitter;
    private final LlmClient llm;
    private final IsolationBackends.JobIsolation isolation;
    private final BaseSkillHost baseSkill;
    // Backend events (proxyAccess) arrive on the backend's threads and are attributed to the run in progress.
    private volatile RunSetting currentRun;
    private final String workingDirectory;
    private final CostMeter cost;
    private Job job;

    JobRunner(RunSetting setting, RunOptions options, Job existing) {
        this.options = options;
        this.emitter = new Emitter(options.storage(), options.listeners());
        this.llm = options.llm().apply(setting);
        Path workspace = setting.workspace().toAbsolutePath().normalize();
        List<Path> denied = new ArrayList<>();
        if (options.storageRoot() != null) {
            denied.add(options.storageRoot().toAbsolutePath().normalize());
        }
        this.currentRun = setting;
        this.isolation = IsolationBackends.open(setting, workspace, denied, options.maskedEnvFiles(),
                p -> emitRuntime(currentRun, p));
        options.control().onCancel(isolation::terminateRunning);
        // What the model sees as its working directory: /workspace inside a sandbox (isolation.md §3).
        this.workingDirectory = isolation.visibleRoot();
        try {
            this.baseSkill = BaseSkillHost.open(workspace, isolation.visibleRoot(), denied,
                    options.maskedEnvFiles(), isolation.launcher("exec"),
                    isolation.environment(setting.env(), setting.extraEnvNames()));
        } catch (RuntimeException e) {
            isolation.close();
            throw e;
        }
        String provider = setting.providerConfig().providerName();
        this.cost = new CostMeter(ModelCatalog.price(provider, setting.model(), setting.pricing()),
                existing == null || existing.estimatedCostUsd() == null ? 0 : existing.estimatedCostUsd());
        long now = System.currentTimeMillis();
        this.job = existing != null
                ? existing.withStatus(JobStatus.RUNNING, null)
                : new Job(setting.jobId(), JobStatus.RUNNING, setting.expertKey(), 0, setting.maxSteps(),
                        Usage.ZERO, now, null, cost.estimate());
    }

    /** Runs the job to its end and returns the coordinator's final checkpoint. */
    Checkpoint run(RunSetting setting, Checkpoint start) {
        try (isolation; baseSkill) {
            storeJob();
            return loop(setting, start, false);
        }
    }

    private Checkpoint loop(RunSetting setting, Checkpoint start, boolean parallelChild) {
        RunSetting current = setting;
        Checkpoint checkpoint = start;
        while (true) {
            Checkpoint result = executeRun(current, checkpoint);
            progress(result);
            switch (result.status()) {
                case COMPLETED -> {
                    if (parallelChild) {
                        storeJob();
                        return result;
                    }
                    if (result.delegatedBy() != null) {
                        storeJob();
                        Checkpoint parent = options.storage().retrieveCheckpoint(current.jobId(),
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
                    storeJob();
                    List<DelegationTarget> targets = result.delegateTo();
                    if (targets.size() == 1) {
                        current = childSetting(current, targets.getFirst());
                        checkpoint = childCheckpoint(current, result, targets.getFirst());
                    } else {
                        ParallelReturn back = runInParallel(current, result);
                        if (back.parent().status() == CheckpointStatus.STOPPED_BY_ERROR) {
                            finish(JobStatus.STOPPED_BY_ERROR);
                            return back.parent();
                        }
                        current = current.forRun(Ids.next(), result.expert().key(), back.answer(),
                                System.currentTimeMillis());
                        checkpoint = back.parent().toBuilder().runId(current.runId()).build();
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
                    storeJob();
                    return result;
                }
            }
        }
    }

    /** Where a parallel delegation hands control back to the parent: its checkpoint and the first answer. */
    private record ParallelReturn(Checkpoint parent, RunInput answer) {}

    // ---------------------------------------------------------------- one segment (runtime.md §4)

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
                key -> Optional.ofNullable(setting.experts().get(key)), p -> emitRuntime(setting, p)));
        try {
            Checkpoint initial = initialCheckpoint(setting, expert, given);
            options.storage().beginRun(setting.jobId(), setting.runId(), given);
            options.storage().storeRunSetting(setting.jobId(), setting.runId(),
                    setting.toStored(System.currentTimeMillis()));
            RunLoop loop = new RunLoop(new RunLoop.Context(setting, expert, skills, llm, emitter, cost,
                    options.control(), Instant.ofEpochMilli(setting.startedAt()), workingDirectory, delegates,
                    initial.contextWindow()));
            return loop.run(initial);
        } finally {
            skills.close();
            for (var s : skills.skills()) {
                if (s instanceof io.perstack.skills.ToolSkill) {
                    emitRuntime(setting, new EventPayload.SkillDisconnected(s.name()));
                }
            }
            options.storage().storeRunSetting(setting.jobId(), setting.runId(),
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

    // ---------------------------------------------------------------- delegation (runtime.md §10)

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
        LOG.warn("Delegate {} finished without a text result; returning an empty result", child.expert().key());
        return "";
    }

    private RunSetting returnSetting(RunSetting current, Checkpoint child, Checkpoint parent) {
        DelegatedBy by = child.delegatedBy();
        return current.forRun(Ids.next(), parent.expert().key(), RunInput.answer(
                new RunInput.InteractiveToolCallResult(by.toolCallId(), by.toolName(),
                        "delegate/" + child.expert().key(), resultText(child))), System.currentTimeMillis());
    }

    private Checkpoint returnCheckpoint(RunSetting next, Checkpoint child, Checkpoint parent) {
        return parent.toBuilder().runId(next.runId()).stepNumber(child.stepNumber()).usage(child.usage()).build();
    }

    /**
     * runtime.md §10.3: children run concurrently, each as its own chain; results are collected in delegation
     * order. Returns the parent's checkpoint to resume from, or a stopped-by-error checkpoint.
     */
    private ParallelReturn runInParallel(RunSetting parentSetting, Checkpoint parentStop) {
        List<DelegationTarget> targets = parentStop.delegateTo();
        List<Checkpoint> results = new ArrayList<>(targets.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Checkpoint>> futures = new ArrayList<>();
            for (DelegationTarget t : targets) {
                RunSetting child = childSetting(parentSetting, t);
                Checkpoint start = childCheckpoint(child, parentStop, t).toBuilder().usage(Usage.ZERO).build();
                futures.add(pool.submit(() -> loop(child, start, true)));
            }
            for (Future<Checkpoint> f : futures) {
                try {
                    results.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for delegates", e);
                }
            }
        }
        int maxStep = parentStop.stepNumber();
        Usage usage = parentStop.usage();
        for (Checkpoint r : results) {
            maxStep = Math.max(maxStep, r.stepNumber());
            usage = usage.plus(r.usage());
        }
        for (int i = 0; i < results.size(); i++) {
            Checkpoint r = results.get(i);
            if (r.status() != CheckpointStatus.COMPLETED) {
                RunError error = RunError.of("DelegationFailed", "Delegate " + targets.get(i).expert().key()
                        + " stopped with status " + r.status().wire());
                return new ParallelReturn(stopParent(parentSetting, parentStop, maxStep, usage, error), null);
            }
        }
        List<ToolResult> partial = new ArrayList<>(parentStop.partialToolResults() == null ? List.of()
                : parentStop.partialToolResults());
        for (int i = 1; i < results.size(); i++) {
            DelegationTarget t = targets.get(i);
            partial.add(new ToolResult(t.toolCallId(), "delegate/" + t.expert().key(), t.toolName(),
                    List.of(new MessagePart.TextPart(Ids.next(), resultText(results.get(i))))));
        }
        List<String> resolved = targets.subList(1, targets.size()).stream().map(DelegationTarget::toolCallId).toList();
        List<ToolCall> pending = parentStop.pendingToolCalls() == null ? List.of()
                : parentStop.pendingToolCalls().stream().filter(c -> !resolved.contains(c.id())).toList();
        DelegationTarget first = targets.getFirst();
        RunInput answer = RunInput.answer(new RunInput.InteractiveToolCallResult(first.toolCallId(),
                first.toolName(), "delegate/" + first.expert().key(), resultText(results.getFirst())));
        synchronized (this) {
            job = job.withProgress(maxStep, usage, cost.estimate());
        }
        return new ParallelReturn(parentStop.toBuilder().status(CheckpointStatus.STOPPED_BY_DELEGATE)
                .stepNumber(maxStep).usage(usage).delegateTo(null).pendingToolCalls(pending)
                .partialToolResults(partial).build(), answer);
    }

    private Checkpoint stopParent(RunSetting parentSetting, Checkpoint parentStop, int step, Usage usage,
                                  RunError error) {
        RunSetting s = parentSetting.forRun(Ids.next(), parentStop.expert().key(), parentSetting.input(),
                System.currentTimeMillis());
        Checkpoint stopped = parentStop.toBuilder().id(Ids.next()).runId(s.runId()).stepNumber(step).usage(usage)
                .status(CheckpointStatus.STOPPED_BY_ERROR).error(error).delegateTo(null).build();
        options.storage().beginRun(s.jobId(), s.runId(), parentStop);
        emitter.emit(new Event(Ids.next(), stopped.expert().key(), System.currentTimeMillis(), s.jobId(), s.runId(),
                step, new EventPayload.StopRunByError(stopped,
                io.perstack.core.model.Step.start(step, System.currentTimeMillis()), error)));
        options.storage().endRun(s.jobId(), s.runId());
        progress(stopped);
        return stopped;
    }

    // ---------------------------------------------------------------- job record

    private synchronized void progress(Checkpoint result) {
        job = job.withProgress(Math.max(job.totalSteps(), result.stepNumber()), result.usage(), cost.estimate());
    }

    private synchronized void status(JobStatus status, boolean finished) {
        job = job.withStatus(status, finished ? System.currentTimeMillis() : null);
        options.storage().storeJob(job);
    }

    private void finish(JobStatus status) {
        status(status, true);
    }

    private synchronized void storeJob() {
        options.storage().storeJob(job);
    }

    /** Marks the job stopped by error after a thrown failure (runtime.md §12). */
    synchronized void failed() {
        job = job.withStatus(JobStatus.STOPPED_BY_ERROR, System.currentTimeMillis());
        options.storage().storeJob(job);
    }
}
