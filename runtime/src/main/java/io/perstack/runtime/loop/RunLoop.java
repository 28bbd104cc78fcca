package io.perstack.runtime.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.config.ExpertConfig;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.event.EventPayload.*;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.CompletionOutcome;
import io.perstack.core.model.DelegationTarget;
import io.perstack.core.model.ExpertRef;
import io.perstack.core.model.Message;
import io.perstack.core.model.Message.ExpertMessage;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.MessagePart.ExpertContent;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.MessagePart.ThinkingPart;
import io.perstack.core.model.RunError;
import io.perstack.core.model.Step;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import io.perstack.llm.GeneratedToolCall;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.GenerationResult;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderError;
import io.perstack.runtime.RunInput;
import io.perstack.runtime.RunNotice;
import io.perstack.runtime.RunSetting;
import io.perstack.runtime.cost.CostMeter;
import io.perstack.runtime.event.Emitter;
import io.perstack.runtime.prompt.Instruction;
import io.perstack.skills.DelegateSkill;
import io.perstack.skills.InteractiveSkill;
import io.perstack.skills.Skill;
import io.perstack.skills.SkillSet;
import io.perstack.skills.SkillStartException;
import io.perstack.skills.ToolCallContext;
import io.perstack.skills.ToolSkill;
import io.perstack.skills.base.InProcessBaseSkill;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One run segment's state machine (runtime.md §5). Each state's logic returns exactly one event; an event carrying a
 * checkpoint is persisted before it is emitted; the event is then applied to the in-memory checkpoint and step.
 */
public final class RunLoop {
    private static final long MAX_RETRY_AFTER_MS = 60_000;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final String NO_OUTPUT_REASON =
            "{\"error\":\"Error: No tool call or text generated\",\"message\":\"You must generate a tool call or provide a response. Try again.\"}";
    private static final String LENGTH_REASON =
            "{\"error\":\"Error: Tool call generation failed\",\"message\":\"Generation length exceeded. Try again.\"}";

    private enum State {
        INIT, PREPARING_FOR_STEP, GENERATING_TOOL_CALL, CALLING_TOOL, RESOLVING_TOOL_RESULT, GENERATING_RUN_RESULT,
        CALLING_INTERACTIVE_TOOL, CALLING_DELEGATE, FINISHING_STEP, STOPPED
    }

    /** The call kinds of runtime.md §8.1, in the order tool calls are sorted. */
    private enum Kind { MCP, DELEGATE, INTERACTIVE }

    /** Everything the loop reads; built by the run executor per segment. */
    public record Context(RunSetting setting, ExpertConfig expert, SkillSet skills, LlmClient llm, Emitter emitter,
                          CostMeter cost, RunControl control, Instant startedAt, String workingDirectory,
                          List<Instruction.DelegateInfo> delegates, Long contextWindow) {}

    private final Context ctx;
    private Checkpoint checkpoint;
    private Step step;
    private ToolCallContext toolContext;
    /** Wait owed before the next generation after a retry (Retry-After or exponential backoff). */
    private long pendingBackoffMs;
    /** Set once this loop has generated: its skills' tools are then known without waiting for any skill. */
    private boolean generatedBefore;
    private EarlyGeneration early;

    public RunLoop(Context ctx) {
        this.ctx = ctx;
    }

    /** Runs until a terminal event, cancellation or the continue hook says stop; returns the last checkpoint. */
    public Checkpoint run(Checkpoint initial) {
        checkpoint = initial;
        step = Step.start(initial.stepNumber(), System.currentTimeMillis());
        toolContext = new ToolCallContext(initial.todos());
        State state = State.INIT;
        ctx.control().enter();
        try {
            while (state != State.STOPPED) {
                if (ctx.control().isCancelled()) {
                    break;
                }
                EventPayload.State payload = logic(state);
                if (payload == null) {
                    break; // cancelled while waiting
                }
                Event event = event(payload);
                if (payload instanceof ContinueToNextStep c) {
                    startEarlyGeneration(c.nextCheckpoint());
                }
                ctx.emitter().emit(event);
                state = next(state, payload);
                apply(payload);
                if (state != State.STOPPED && !ctx.control().shouldContinue(checkpoint, step)) {
                    break;
                }
            }
            return checkpoint;
        } finally {
            if (early != null) {
                early.abandon();
                early = null;
            }
            ctx.control().leave();
        }
    }

    /**
     * Sends the next step's request before this step's checkpoint is persisted and emitted (see EarlyGeneration),
     * when the next step is certain to generate from exactly {@code next}'s history: nothing pending to resume, no
     * retry wait, the budget not reached, no continue hook that might stop the run, and the tools already known.
     */
    private void startEarlyGeneration(Checkpoint next) {
        boolean pending = next.pendingToolCalls() != null && !next.pendingToolCalls().isEmpty()
                || next.partialToolResults() != null && !next.partialToolResults().isEmpty();
        if (!generatedBefore || pending || pendingBackoffMs > 0 || budgetReached() || ctx.control().hasHook()
                || ctx.control().isCancelled()) {
            return;
        }
        List<Message> history = next.messagesOrEmpty();
        early = EarlyGeneration.start(ctx.llm(), request(history, true), history, ctx.control());
    }

    private Event event(EventPayload payload) {
        return new Event(Ids.next(), checkpoint.expert().key(), System.currentTimeMillis(), ctx.setting().jobId(),
                ctx.setting().runId(), checkpoint.stepNumber(), payload);
    }

    private void emitStreaming(EventPayload.Streaming payload) {
        ctx.emitter().emit(event(payload));
    }

    // ------------------------------------------------------------------ transitions

    private static State next(State state, EventPayload.State p) {
        return switch (p) {
            case StartRun s -> State.PREPARING_FOR_STEP;
            case ResumeToolCalls s -> State.CALLING_TOOL;
            case FinishAllToolCalls s -> State.FINISHING_STEP;
            case StartGeneration s -> State.GENERATING_TOOL_CALL;
            case CallTools s -> State.CALLING_TOOL;
            case Retry s -> State.FINISHING_STEP;
            case ResolveToolResults s -> State.RESOLVING_TOOL_RESULT;
            case AttemptCompletion s -> State.GENERATING_RUN_RESULT;
            case CallDelegate s -> State.CALLING_DELEGATE;
            case CallInteractiveTool s -> State.CALLING_INTERACTIVE_TOOL;
            case FinishToolCall s -> State.FINISHING_STEP;
            case ContinueToNextStep s -> State.PREPARING_FOR_STEP;
            case CompleteRun s -> State.STOPPED;
            case StopRunByError s -> State.STOPPED;
            case StopRunByInteractiveTool s -> State.STOPPED;
            case StopRunByDelegate s -> State.STOPPED;
            case StopRunByExceededMaxSteps s -> State.STOPPED;
        };
    }

    /** runtime.md §5.1: how each event changes the checkpoint and the step. */
    private void apply(EventPayload.State p) {
        switch (p) {
            case StartRun s -> {
                checkpoint = checkpoint.toBuilder().status(CheckpointStatus.PROCEEDING)
                        .pendingToolCalls(s.initialCheckpoint().pendingToolCalls())
                        .partialToolResults(s.initialCheckpoint().partialToolResults()).build()
                        .withMessagesAppended(s.inputMessages());
                step = step.withInputMessages(s.inputMessages());
            }
            case StartGeneration s -> step = Step.start(checkpoint.stepNumber(), System.currentTimeMillis());
            case ResumeToolCalls s -> step = step.withToolResults(s.partialToolResults())
                    .withPending(s.pendingToolCalls(), null);
            case FinishAllToolCalls s -> {
                List<ToolResult> former = checkpoint.partialToolResults();
                checkpoint = checkpoint.toBuilder().pendingToolCalls(null).partialToolResults(null).build()
                        .withMessagesAppended(s.newMessages());
                step = step.withNewMessages(concat(step.newMessages(), s.newMessages()))
                        .withToolResults(former == null ? List.of() : former);
            }
            case CallTools s -> {
                Usage usage = checkpoint.usage().plus(s.usage());
                checkpoint = checkpoint.toBuilder().usage(usage).contextWindowUsage(windowUsage(usage))
                        .retryCount(0).build().withMessagesAppended(List.of(s.newMessage()));
                step = step.withNewMessages(List.of(s.newMessage())).withToolCalls(s.toolCalls())
                        .withUsage(step.usage().plus(s.usage()));
            }
            case CallDelegate s -> { /* the step's pending/partial were set by the logic */ }
            case CallInteractiveTool s -> { /* as above */ }
            case Retry s -> {
                Usage usage = checkpoint.usage().plus(s.usage());
                checkpoint = checkpoint.toBuilder().usage(usage).contextWindowUsage(windowUsage(usage))
                        .retryCount(checkpoint.retries() + 1).build().withMessagesAppended(s.newMessages());
                step = step.withNewMessages(s.newMessages()).withToolCalls(s.toolCalls())
                        .withToolResults(s.toolResults()).withUsage(step.usage().plus(s.usage()));
            }
            case ResolveToolResults s -> step = step.withToolResults(s.toolResults()).withPending(null, null);
            case AttemptCompletion s -> step = step.withToolResults(s.toolResults() == null
                    ? List.of(s.toolResult()) : s.toolResults());
            case FinishToolCall s -> {
                checkpoint = checkpoint.withMessagesAppended(s.newMessages());
                step = step.withNewMessages(concat(step.newMessages(), s.newMessages()));
            }
            case CompleteRun s -> {
                checkpoint = s.checkpoint().toBuilder().retryCount(0).build();
                step = s.step();
            }
            case StopRunByError s -> {
                checkpoint = s.checkpoint();
                step = s.step();
            }
            case StopRunByInteractiveTool s -> {
                checkpoint = s.checkpoint();
                step = s.step();
            }
            case StopRunByDelegate s -> {
                checkpoint = s.checkpoint();
                step = s.step();
            }
            case StopRunByExceededMaxSteps s -> {
                checkpoint = s.checkpoint();
                step = s.step();
            }
            case ContinueToNextStep s -> checkpoint = s.nextCheckpoint();
        }
    }

    private Double windowUsage(Usage usage) {
        Long window = checkpoint.contextWindow();
        if (window == null || window <= 0) {
            return checkpoint.contextWindowUsage();
        }
        return (usage.inputTokens() + usage.cachedInputTokens() + usage.outputTokens()) / (double) window;
    }

    // ------------------------------------------------------------------ state logic

    private EventPayload.State logic(State state) {
        return switch (state) {
            case INIT -> init();
            case PREPARING_FOR_STEP -> prepareForStep();
            case GENERATING_TOOL_CALL -> generateToolCall();
            case CALLING_TOOL -> callTools();
            case RESOLVING_TOOL_RESULT -> new FinishToolCall(List.of(Messages.tool(step.toolResults())));
            case GENERATING_RUN_RESULT -> generateRunResult();
            case CALLING_INTERACTIVE_TOOL -> new StopRunByInteractiveTool(checkpoint.toBuilder()
                    .status(CheckpointStatus.STOPPED_BY_INTERACTIVE_TOOL).pendingToolCalls(step.pendingToolCalls())
                    .partialToolResults(step.partialToolResults()).todos(toolContext.todos()).build(), finished());
            case CALLING_DELEGATE -> delegate();
            case FINISHING_STEP -> finishStep();
            case STOPPED -> throw new IllegalStateException("The run has already stopped");
        };
    }

    /** runtime.md §6. */
    private EventPayload.State init() {
        RunInput input = ctx.setting().input();
        CheckpointStatus status = checkpoint.status();
        if (status == CheckpointStatus.INIT) {
            requireText(input);
            String instruction = Instruction.build(ctx.expert(), ctx.startedAt(), ctx.workingDirectory(),
                    ctx.delegates(), checkpoint.delegatedBy() != null);
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
            // runtime.md §6: the field is removed when the answer resolved the last pending call.
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

    private EventPayload.State prepareForStep() {
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

    // ---- generation

    /** Budget check, then the wait owed by a previous retry; {@code null} means the run was cancelled. */
    private EventPayload.State beforeGeneration() {
        if (budgetReached()) {
            return stopByError(new RunError("BudgetExceeded", String.format(java.util.Locale.ROOT,
                    "Estimated job cost $%.4f reached the budget of $%s", ctx.cost().estimate(),
                    plain(ctx.setting().maxCostUsd())), null, false));
        }
        if (pendingBackoffMs > 0) {
            long wait = pendingBackoffMs;
            pendingBackoffMs = 0;
            if (!ctx.control().pause(wait)) {
                return null;
            }
        }
        return null;
    }

    private boolean budgetReached() {
        Double budget = ctx.setting().maxCostUsd();
        Double spent = ctx.cost().estimate();
        return budget != null && spent != null && spent >= budget;
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private GenerationOutcome generate(List<Message> messages, boolean withTools, StreamedText resultStream) {
        ReasoningStream reasoning = new ReasoningStream();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void reasoningDelta(String delta) {
                reasoning.delta(delta);
            }

            @Override
            public void textDelta(String delta) {
                reasoning.close();
                if (resultStream != null) {
                    resultStream.delta(delta);
                }
            }
        };
        EarlyGeneration started = early;
        early = null;
        GenerationOutcome outcome;
        if (started != null && withTools && started.isFor(messages)) {
            outcome = started.join(listener);
        } else {
            if (started != null) {
                started.abandon();
            }
            outcome = ctx.llm().generate(request(messages, withTools), listener);
        }
        generatedBefore = true;
        reasoning.close();
        if (resultStream != null) {
            resultStream.close();
        }
        if (outcome instanceof GenerationOutcome.Generated g) {
            ctx.cost().add(g.result().usage());
        }
        return outcome;
    }

    private GenerationRequest request(List<Message> messages, boolean withTools) {
        return new GenerationRequest(ctx.setting().model(), messages, withTools ? ctx.skills().tools() : List.of(),
                ctx.setting().reasoningBudget(), Duration.ofMillis(ctx.setting().timeout()));
    }

    private EventPayload.State generateToolCall() {
        EventPayload.State early = beforeGeneration();
        if (early != null || ctx.control().isCancelled()) {
            return early;
        }
        try {
            // A lazily started skill is awaited here, by the first request that needs its tools (skills.md §1).
            ctx.skills().tools();
        } catch (SkillStartException e) {
            return stopByError(new RunError("SkillInitError", e.getMessage(), null, false));
        }
        GenerationOutcome outcome = generate(checkpoint.messagesOrEmpty(), true, null);
        if (ctx.control().isCancelled()) {
            return null;
        }
        return switch (outcome) {
            case GenerationOutcome.Failed f -> failed(f.error(), List.of());
            case GenerationOutcome.Generated g -> generated(g.result());
        };
    }

    private EventPayload.State failed(ProviderError error, List<Message> messagesBeforeReason) {
        int max = ctx.setting().maxRetries();
        if (!error.retryable()) {
            return stopByError(new RunError(error.name() == null ? "Error" : error.name(), error.message(),
                    error.statusCode(), false));
        }
        if (checkpoint.retries() >= max) {
            return stopByError(new RunError(error.name() == null ? "Error" : error.name(),
                    "Max retries (" + max + ") exceeded: " + error.message(), error.statusCode(), false));
        }
        ObjectNode reason = Json.object().put("error", error.name() == null ? "Error" : error.name())
                .put("message", error.message());
        String reasonText = Json.write(reason);
        pendingBackoffMs = backoff(checkpoint.retries() + 1, error.retryAfter());
        ctx.emitter().notice(new RunNotice.RetryScheduled(checkpoint.jobId(), checkpoint.runId(),
                ctx.setting().expertKey(), checkpoint.retries() + 1, max, Duration.ofMillis(pendingBackoffMs),
                error.name() == null ? "Error" : error.name(), error.message(), error.statusCode()));
        return new Retry(reasonText, concat(messagesBeforeReason, List.of(Messages.user(reasonText))), null, null,
                Usage.ZERO);
    }

    private static long backoff(int retryCount, Duration retryAfter) {
        if (retryAfter != null) {
            return Math.min(MAX_RETRY_AFTER_MS, retryAfter.toMillis());
        }
        return Math.min(MAX_BACKOFF_MS, 1000L << Math.min(20, retryCount - 1));
    }

    private EventPayload.State generated(GenerationResult r) {
        int max = ctx.setting().maxRetries();
        if (r.toolCalls().isEmpty()) {
            if (!r.text().isEmpty()) {
                return complete(r, List.of(), r.text(), r.usage());
            }
            if (checkpoint.retries() >= max) {
                return stopByError(new RunError("MaxRetriesExceeded",
                        "Max retries (" + max + ") exceeded: No tool call or text generated", null, false));
            }
            pendingBackoffMs = backoff(checkpoint.retries() + 1, null);
            return new Retry(NO_OUTPUT_REASON, List.of(Messages.user(NO_OUTPUT_REASON)), null, null, r.usage());
        }
        List<ToolCall> calls = sorted(r.toolCalls());
        switch (r.finishReason().kind()) {
            case TOOL_CALLS, STOP -> {
                ExpertMessage message = expertMessage(r.thinking(), r.text(), calls);
                return new CallTools(message, calls, r.usage());
            }
            case LENGTH -> {
                if (checkpoint.retries() >= max) {
                    return stopByError(new RunError("MaxRetriesExceeded",
                            "Max retries (" + max + ") exceeded: Generation length exceeded", null, false));
                }
                ToolCall first = calls.getFirst();
                ExpertMessage message = expertMessage(List.of(), "", List.of(first));
                ToolResult answer = Messages.textResult(first.id(), first.skillName(), first.toolName(),
                        LENGTH_REASON);
                pendingBackoffMs = backoff(checkpoint.retries() + 1, null);
                return new Retry(LENGTH_REASON, List.of(message, Messages.tool(List.of(answer))), List.of(first),
                        List.of(answer), r.usage());
            }
            default -> {
                return stopByError(new RunError("UnexpectedFinishReason",
                        "Unexpected finish reason: " + r.finishReason().raw(), null, false));
            }
        }
    }

    private EventPayload.State generateRunResult() {
        EventPayload.State early = beforeGeneration();
        if (early != null || ctx.control().isCancelled()) {
            return early;
        }
        Message.ToolMessage toolMessage = Messages.tool(step.toolResults());
        List<Message> history = concat(checkpoint.messagesOrEmpty(), List.of(toolMessage));
        StreamedText result = new StreamedText();
        GenerationOutcome outcome = generate(history, false, result);
        if (ctx.control().isCancelled()) {
            return null;
        }
        return switch (outcome) {
            case GenerationOutcome.Failed f -> failed(f.error(), List.of(toolMessage));
            case GenerationOutcome.Generated g -> complete(g.result(), List.of(toolMessage), g.result().text(),
                    g.result().usage());
        };
    }

    /** A completed run: history += before + expert message [thinking…, text]; usage of this generation. */
    private CompleteRun complete(GenerationResult r, List<Message> before, String text, Usage usage) {
        List<ExpertContent> parts = new ArrayList<>(r.thinking());
        parts.add(Messages.text(text));
        ExpertMessage message = new ExpertMessage(Ids.next(), parts, null);
        return completed(concat(before, List.of(message)), text, usage);
    }

    private CompleteRun completed(List<Message> appended, String text, Usage usage) {
        Usage total = checkpoint.usage().plus(usage);
        Checkpoint done = checkpoint.toBuilder().status(CheckpointStatus.COMPLETED).usage(total)
                .contextWindowUsage(windowUsage(total)).todos(toolContext.todos()).retryCount(0).build()
                .withMessagesAppended(appended);
        Step s = step.withNewMessages(concat(step.newMessages(), appended)).withUsage(step.usage().plus(usage))
                .finished(System.currentTimeMillis());
        return new CompleteRun(done, s, text, usage);
    }

    private StopRunByError stopByError(RunError error) {
        Checkpoint stopped = checkpoint.toBuilder().status(CheckpointStatus.STOPPED_BY_ERROR).error(error)
                .todos(toolContext.todos()).build();
        return new StopRunByError(stopped, finished(), error);
    }

    private Step finished() {
        return step.finished(System.currentTimeMillis());
    }

    private ExpertMessage expertMessage(List<ThinkingPart> thinking, String text, List<ToolCall> calls) {
        List<ExpertContent> parts = new ArrayList<>(thinking);
        if (text != null && !text.isEmpty()) {
            parts.add(Messages.text(text));
        }
        for (ToolCall c : calls) {
            parts.add(new MessagePart.ToolCallPart(Ids.next(), c.id(), c.toolName(), c.args()));
        }
        return new ExpertMessage(Ids.next(), parts, null);
    }

    /** Attributes calls to skills and orders them mcp → delegate → interactive, stable within a kind. */
    private List<ToolCall> sorted(List<GeneratedToolCall> generated) {
        List<ToolCall> calls = new ArrayList<>(generated.size());
        for (GeneratedToolCall g : generated) {
            String skill = ctx.skills().skillFor(g.toolName()).map(Skill::name).orElse("unknown");
            calls.add(new ToolCall(g.id() == null || g.id().isEmpty() ? Ids.next() : g.id(), skill, g.toolName(),
                    g.args() == null ? Json.object() : g.args()));
        }
        calls.sort(Comparator.comparing(this::kind));
        return calls;
    }

    private Kind kind(ToolCall call) {
        return ctx.skills().skillFor(call.toolName()).map(s -> switch (s) {
            case ToolSkill t -> Kind.MCP;
            case DelegateSkill d -> Kind.DELEGATE;
            case InteractiveSkill i -> Kind.INTERACTIVE;
        }).orElse(Kind.MCP);
    }

    // ---- tools

    /** runtime.md §8.1–§8.2. */
    private EventPayload.State callTools() {
        List<ToolCall> pending = step.pendingToolCalls() != null ? step.pendingToolCalls()
                : nullToEmpty(step.toolCalls());
        List<ToolResult> results = new ArrayList<>(nullToEmpty(step.toolResults()));
        ToolCall completion = null;
        List<ToolCall> others = new ArrayList<>();
        for (ToolCall c : pending) {
            if (completion == null && InProcessBaseSkill.NAME.equals(c.skillName())
                    && InProcessBaseSkill.ATTEMPT_COMPLETION.equals(c.toolName())) {
                completion = c;
            } else {
                others.add(c);
            }
        }
        List<ToolCall> mcp = others.stream().filter(c -> kind(c) == Kind.MCP).toList();
        List<ToolCall> delegates = others.stream().filter(c -> kind(c) == Kind.DELEGATE).toList();
        List<ToolCall> interactive = others.stream().filter(c -> kind(c) == Kind.INTERACTIVE).toList();
        results.addAll(execute(mcp));
        checkpoint = checkpoint.toBuilder().todos(toolContext.todos()).build();
        ExpertMessage last = lastExpertMessage();
        if (!delegates.isEmpty()) {
            List<ToolCall> stillPending = new ArrayList<>(delegates);
            stillPending.addAll(interactive);
            if (completion != null) {
                stillPending.add(completion);
            }
            step = step.withPending(stillPending, results);
            return new CallDelegate(last, delegates, step.usage());
        }
        if (!interactive.isEmpty()) {
            List<ToolCall> stillPending = new ArrayList<>(interactive);
            if (completion != null) {
                stillPending.add(completion);
            }
            step = step.withPending(stillPending, results);
            return new CallInteractiveTool(last, interactive.getFirst(), step.usage());
        }
        if (completion != null) {
            ToolResult completionResult = execute(List.of(completion)).getFirst();
            checkpoint = checkpoint.toBuilder().todos(toolContext.todos()).build();
            results.add(completionResult);
            if (toolContext.takeCompletion(completion.id()).map(CompletionOutcome::mustContinue).orElse(false)) {
                return new ResolveToolResults(results);
            }
            String text = lastText(last);
            if (text != null) {
                return completed(List.of(Messages.tool(results), new ExpertMessage(Ids.next(),
                        List.of(Messages.text(text)), null)), text, Usage.ZERO);
            }
            return new AttemptCompletion(completionResult, results);
        }
        return new ResolveToolResults(results);
    }

    private List<ToolResult> execute(List<ToolCall> calls) {
        if (calls.isEmpty()) {
            return List.of();
        }
        if (calls.size() == 1) {
            return List.of(executeOne(calls.getFirst()));
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ToolResult>> futures = new ArrayList<>(calls.size());
            for (ToolCall c : calls) {
                futures.add(pool.submit(() -> executeOne(c)));
            }
            List<ToolResult> out = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                ToolCall c = calls.get(i);
                try {
                    out.add(futures.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    out.add(Messages.textResult(c.id(), c.skillName(), c.toolName(),
                            "Error calling tool " + c.toolName() + ": " + e.getCause().getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.add(Messages.textResult(c.id(), c.skillName(), c.toolName(),
                            "Error calling tool " + c.toolName() + ": cancelled"));
                }
            }
            return out;
        }
    }

    private ToolResult executeOne(ToolCall call) {
        Skill skill = ctx.skills().skillFor(call.toolName()).orElse(null);
        if (!(skill instanceof ToolSkill tool)) {
            return Messages.textResult(call.id(), call.skillName(), call.toolName(),
                    "Tool " + call.toolName() + " not found");
        }
        ToolResult result;
        try {
            result = tool.call(call, toolContext);
        } catch (RuntimeException e) {
            result = Messages.textResult(call.id(), call.skillName(), call.toolName(),
                    "Error calling tool " + call.toolName() + ": " + e.getMessage());
        }
        return Messages.capped(result, ctx.setting().toolResultMaxBytes());
    }

    private ExpertMessage lastExpertMessage() {
        List<Message> messages = checkpoint.messagesOrEmpty();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof ExpertMessage e) {
                return e;
            }
        }
        return new ExpertMessage(Ids.next(), List.of(), null);
    }

    private static String lastText(ExpertMessage message) {
        for (ExpertContent c : message.contents()) {
            if (c instanceof TextPart t && !t.text().trim().isEmpty()) {
                return t.text();
            }
        }
        return null;
    }

    /** runtime.md §10: build delegation targets and stop for the job loop to run the children. */
    private EventPayload.State delegate() {
        List<DelegationTarget> targets = new ArrayList<>();
        List<ToolCall> rest = new ArrayList<>();
        for (ToolCall c : nullToEmpty(step.pendingToolCalls())) {
            if (ctx.skills().skillFor(c.toolName()).orElse(null) instanceof DelegateSkill d) {
                JsonNode query = c.args() == null ? null : c.args().get("query");
                if (query == null || !query.isTextual()) {
                    throw new IllegalStateException("Delegation error: query is undefined for " + c.toolName());
                }
                ExpertRef e = d.expert();
                targets.add(new DelegationTarget(e, c.id(), c.toolName(), query.asText()));
            } else {
                rest.add(c);
            }
        }
        Checkpoint stopped = checkpoint.toBuilder().status(CheckpointStatus.STOPPED_BY_DELEGATE)
                .delegateTo(targets).pendingToolCalls(rest.isEmpty() ? null : rest)
                .partialToolResults(step.partialToolResults())
                .todos(toolContext.todos()).build();
        return new StopRunByDelegate(stopped, finished());
    }

    private EventPayload.State finishStep() {
        if (checkpoint.stepNumber() >= ctx.setting().maxSteps()) {
            return new StopRunByExceededMaxSteps(checkpoint.toBuilder()
                    .status(CheckpointStatus.STOPPED_BY_EXCEEDED_MAX_STEPS).todos(toolContext.todos()).build(),
                    finished());
        }
        Checkpoint done = checkpoint.toBuilder().todos(toolContext.todos()).build();
        Checkpoint next = done.toBuilder().id(Ids.next()).stepNumber(done.stepNumber() + 1).build();
        return new ContinueToNextStep(done, finished(), next);
    }

    // ------------------------------------------------------------------ streaming helpers

    /** Emits one start → deltas → complete group per contiguous reasoning phase. */
    private final class ReasoningStream {
        private StringBuilder phase;

        void delta(String d) {
            if (phase == null) {
                phase = new StringBuilder();
                emitStreaming(new StartStreamingReasoning());
            }
            phase.append(d);
            emitStreaming(new StreamReasoning(d));
        }

        void close() {
            if (phase != null) {
                emitStreaming(new CompleteStreamingReasoning(phase.toString()));
                phase = null;
            }
        }
    }

    /** Streams the final result text as start → deltas → complete. */
    private final class StreamedText {
        private StringBuilder text;

        void delta(String d) {
            if (text == null) {
                text = new StringBuilder();
                emitStreaming(new StartStreamingRunResult());
            }
            text.append(d);
            emitStreaming(new StreamRunResult(d));
        }

        void close() {
            if (text != null) {
                emitStreaming(new CompleteStreamingRunResult(text.toString()));
                text = null;
            }
        }
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <T> List<T> concat(List<? extends T> a, List<? extends T> b) {
        List<T> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }
}
