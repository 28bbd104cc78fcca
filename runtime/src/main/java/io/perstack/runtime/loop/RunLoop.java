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
import io.perstack.core.model.RunError;
import io.perstack.core.model.Step;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationResult;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderError;
import io.perstack.runtime.RunNotice;
import io.perstack.runtime.RunSetting;
import io.perstack.runtime.cost.CostMeter;
import io.perstack.runtime.event.Emitter;
import io.perstack.runtime.loop.ToolDispatcher.Dispatch;
import io.perstack.runtime.prompt.Instruction;
import io.perstack.skills.SkillSet;
import io.perstack.skills.SkillStartException;
import io.perstack.skills.ToolCallContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One run segment's state machine (docs/runtime.md §5): a lifecycle that runs each state's logic, which produces exactly
 * one event; the emitter persists a checkpoint the event carries before anyone sees it; {@link Reducer} then
 * applies the event. Tool routing is {@link ToolDispatcher}'s, retry timing {@link RetryPolicy}'s, the LLM call
 * {@link Generator}'s and the streamed deltas {@link StreamingEvents}'.
 */
public final class RunLoop {
    private static final String NO_OUTPUT_REASON =
            "{\"error\":\"Error: No tool call or text generated\",\"message\":\"You must generate a tool call or provide a response. Try again.\"}";
    private static final String LENGTH_REASON =
            "{\"error\":\"Error: Tool call generation failed\",\"message\":\"Generation length exceeded. Try again.\"}";

    /** Everything the loop reads; built by the run executor per segment. */
    public record Context(RunSetting setting, ExpertConfig expert, SkillSet skills, LlmClient llm, Emitter emitter,
                          CostMeter cost, RunControl control, Instant startedAt, String workingDirectory,
                          List<Instruction.DelegateInfo> delegates, Long contextWindow) {}

    private final Context ctx;
    private final RetryPolicy retries;
    private final Generator generator;
    private LoopState current;
    private ToolCallContext toolContext;
    private ToolDispatcher tools;
    /** Wait owed before the next generation after a retry (Retry-After or exponential backoff). */
    private Duration owedWait = Duration.ZERO;

    public RunLoop(Context ctx) {
        this.ctx = ctx;
        this.retries = new RetryPolicy(ctx.setting().job().maxRetries());
        this.generator = new Generator(ctx.setting().job(), ctx.skills(), ctx.llm(), ctx.cost(), ctx.control());
    }

    /** Runs until a terminal event, cancellation or the continue hook says stop; returns the last checkpoint. */
    public Checkpoint run(Checkpoint initial) {
        current = new LoopState(initial, Step.start(initial.stepNumber(), now()));
        toolContext = new ToolCallContext(initial.todos());
        tools = new ToolDispatcher(ctx.skills(), toolContext, ctx.setting().job().toolResultMaxBytes());
        ctx.control().enter();
        try {
            Phase phase = Phase.INIT;
            while (phase != Phase.STOPPED && !ctx.control().isCancelled()) {
                if (!(logic(phase) instanceof Outcome.Produced produced)) {
                    break; // cancelled while generating or waiting
                }
                phase = emitAndApply(produced);
                if (phase != Phase.STOPPED && !ctx.control().shouldContinue(checkpoint(), step())) {
                    break;
                }
            }
            return checkpoint();
        } finally {
            generator.abandonEarly();
            ctx.control().leave();
        }
    }

    /** Emits the event (its checkpoint persisted first) and applies it; returns the state it leads to. */
    private Phase emitAndApply(Outcome.Produced produced) {
        current = produced.state();
        Event event = event(produced.event());
        if (produced.event() instanceof ContinueToNextStep c) {
            startEarlyGeneration(c.nextCheckpoint());
        }
        ctx.emitter().emit(event);
        current = Reducer.apply(current, produced.event(), now());
        return Reducer.next(produced.event());
    }

    private Outcome logic(Phase phase) {
        return switch (phase) {
            case INIT -> produced(Preparation.init(ctx, checkpoint()));
            case PREPARING_FOR_STEP -> produced(Preparation.prepare(checkpoint()));
            case GENERATING_TOOL_CALL -> generateToolCall();
            case CALLING_TOOL -> callTools();
            case RESOLVING_TOOL_RESULT -> produced(new FinishToolCall(List.of(Messages.tool(step().toolResults()))));
            case GENERATING_RUN_RESULT -> generateRunResult();
            case CALLING_INTERACTIVE_TOOL -> produced(Checkpoints.stoppedForAnswer(current, toolContext.todos(), now()));
            case CALLING_DELEGATE -> produced(delegate());
            case FINISHING_STEP -> produced(Checkpoints.finishedStep(current, toolContext.todos(),
                    ctx.setting().job().maxSteps(), now()));
            case STOPPED -> throw new IllegalStateException("The run has already stopped");
        };
    }

    /**
     * Sends the next step's request before this step's checkpoint is persisted and emitted (see EarlyGeneration),
     * when the next step is certain to generate from exactly {@code next}'s history: nothing pending to resume, no
     * retry wait, the budget not reached, no continue hook that might stop the run, and the tools already known.
     */
    private void startEarlyGeneration(Checkpoint next) {
        boolean pending = next.pendingToolCalls() != null && !next.pendingToolCalls().isEmpty()
                || next.partialToolResults() != null && !next.partialToolResults().isEmpty();
        if (!generator.canStartEarly() || pending || owedWait.toMillis() > 0 || budgetReached()
                || ctx.control().hasHook() || ctx.control().isCancelled()) {
            return;
        }
        generator.startEarly(next.messagesOrEmpty());
    }

    // ------------------------------------------------------------------ generating (docs/runtime.md §7, §9, §13)

    /** Budget check, then the wait a previous retry owes; empty when the generation may go ahead. */
    private Optional<Outcome> beforeGeneration() {
        if (budgetReached()) {
            return Optional.of(produced(stopByError(new RunError("BudgetExceeded", String.format(
                    java.util.Locale.ROOT, "Estimated job cost $%.4f reached the budget of $%s",
                    ctx.cost().estimate(), plain(ctx.setting().job().maxCostUsd())), null, false))));
        }
        Duration wait = owedWait;
        owedWait = Duration.ZERO;
        if (wait.toMillis() > 0 && !ctx.control().pause(wait.toMillis())) {
            return Optional.of(Outcome.Cancelled.INSTANCE);
        }
        return ctx.control().isCancelled() ? Optional.of(Outcome.Cancelled.INSTANCE) : Optional.empty();
    }

    private boolean budgetReached() {
        Double budget = ctx.setting().job().maxCostUsd();
        Double spent = ctx.cost().estimate();
        return budget != null && spent != null && spent >= budget;
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private Outcome generateToolCall() {
        Optional<Outcome> gate = beforeGeneration();
        if (gate.isPresent()) {
            return gate.get();
        }
        try {
            // A lazily started skill is awaited here, by the first request that needs its tools (docs/skills.md §1).
            ctx.skills().tools();
        } catch (SkillStartException e) {
            return produced(stopByError(new RunError("SkillInitError", e.getMessage(), null, false)));
        }
        GenerationOutcome outcome = generator.generate(checkpoint().messagesOrEmpty(), true,
                new StreamingEvents(this::emitStreaming, false));
        if (ctx.control().isCancelled()) {
            return Outcome.Cancelled.INSTANCE;
        }
        return produced(switch (outcome) {
            case GenerationOutcome.Failed f -> failed(f.error(), List.of());
            case GenerationOutcome.Generated g -> generated(g.result());
        });
    }

    private Outcome generateRunResult() {
        Optional<Outcome> gate = beforeGeneration();
        if (gate.isPresent()) {
            return gate.get();
        }
        Message.ToolMessage toolMessage = Messages.tool(step().toolResults());
        List<Message> history = Reducer.concat(checkpoint().messagesOrEmpty(), List.of(toolMessage));
        GenerationOutcome outcome = generator.generate(history, false, new StreamingEvents(this::emitStreaming, true));
        if (ctx.control().isCancelled()) {
            return Outcome.Cancelled.INSTANCE;
        }
        return produced(switch (outcome) {
            case GenerationOutcome.Failed f -> failed(f.error(), List.of(toolMessage));
            case GenerationOutcome.Generated g -> complete(g.result(), List.of(toolMessage), g.result().text(),
                    g.result().usage());
        });
    }

    /** A provider failure: retry with the error as a user message while the policy allows, else stop. */
    private EventPayload.State failed(ProviderError error, List<Message> messagesBeforeReason) {
        String name = error.name() == null ? "Error" : error.name();
        int retried = checkpoint().retries();
        if (!error.retryable()) {
            return stopByError(new RunError(name, error.message(), error.statusCode(), false));
        }
        if (!retries.allowsRetry(retried)) {
            return stopByError(new RunError(name, "Max retries (" + retries.maxRetries() + ") exceeded: "
                    + error.message(), error.statusCode(), false));
        }
        ObjectNode reason = Json.object().put("error", name).put("message", error.message());
        String reasonText = Json.write(reason);
        owedWait = RetryPolicy.delay(retried + 1, error.retryAfter());
        ctx.emitter().notice(new RunNotice.RetryScheduled(checkpoint().jobId(), checkpoint().runId(),
                ctx.setting().run().expertKey(), retried + 1, retries.maxRetries(), owedWait, name, error.message(),
                error.statusCode()));
        return new Retry(reasonText, Reducer.concat(messagesBeforeReason, List.of(Messages.user(reasonText))), null,
                null, Usage.ZERO);
    }

    /** docs/runtime.md §7: what a finished tool-calling generation leads to. */
    private EventPayload.State generated(GenerationResult r) {
        int retried = checkpoint().retries();
        if (r.toolCalls().isEmpty()) {
            if (!r.text().isEmpty()) {
                return complete(r, List.of(), r.text(), r.usage());
            }
            if (!retries.allowsRetry(retried)) {
                return stopByError(new RunError("MaxRetriesExceeded", "Max retries (" + retries.maxRetries()
                        + ") exceeded: No tool call or text generated", null, false));
            }
            owedWait = RetryPolicy.delay(retried + 1, null);
            return new Retry(NO_OUTPUT_REASON, List.of(Messages.user(NO_OUTPUT_REASON)), null, null, r.usage());
        }
        List<ToolCall> calls = tools.sorted(r.toolCalls());
        switch (r.finishReason().kind()) {
            case TOOL_CALLS, STOP -> {
                return new CallTools(Messages.expert(r.thinking(), r.text(), calls), calls, r.usage());
            }
            case LENGTH -> {
                if (!retries.allowsRetry(retried)) {
                    return stopByError(new RunError("MaxRetriesExceeded", "Max retries (" + retries.maxRetries()
                            + ") exceeded: Generation length exceeded", null, false));
                }
                // The cut-off batch is replaced by its first call, answered with the reason, so no call is left
                // unanswered in the history.
                ToolCall first = calls.getFirst();
                ExpertMessage message = Messages.expert(List.of(), "", List.of(first));
                ToolResult answer = Messages.textResult(first.id(), first.skillName(), first.toolName(),
                        LENGTH_REASON);
                owedWait = RetryPolicy.delay(retried + 1, null);
                return new Retry(LENGTH_REASON, List.of(message, Messages.tool(List.of(answer))), List.of(first),
                        List.of(answer), r.usage());
            }
            default -> {
                return stopByError(new RunError("UnexpectedFinishReason",
                        "Unexpected finish reason: " + r.finishReason().raw(), null, false));
            }
        }
    }

    /** A completed run: history += before + expert message [thinking…, text]; usage of this generation. */
    private CompleteRun complete(GenerationResult r, List<Message> before, String text, Usage usage) {
        List<ExpertContent> parts = new ArrayList<>(r.thinking());
        parts.add(Messages.text(text));
        ExpertMessage message = new ExpertMessage(Ids.next(), parts, null);
        return Checkpoints.completed(current, toolContext.todos(), Reducer.concat(before, List.of(message)), text,
                usage, now());
    }

    // ------------------------------------------------------------------ calling tools (docs/runtime.md §8, §10)

    private Outcome callTools() {
        List<ToolCall> pending = step().pendingToolCalls() != null ? step().pendingToolCalls()
                : nullToEmpty(step().toolCalls());
        Dispatch dispatch = tools.dispatch(pending, nullToEmpty(step().toolResults()));
        syncTodos();
        ExpertMessage last = lastExpertMessage();
        return switch (dispatch) {
            case Dispatch.Delegate d -> {
                current = current.withStep(step().withPending(d.stillPending(), d.results()));
                yield produced(new CallDelegate(last, d.delegates(), step().usage()));
            }
            case Dispatch.Interactive i -> {
                current = current.withStep(step().withPending(i.stillPending(), i.results()));
                yield produced(new CallInteractiveTool(last, i.first(), step().usage()));
            }
            case Dispatch.Completion c -> produced(attemptCompletion(c.completion(), new ArrayList<>(c.results()),
                    last));
            case Dispatch.Resolved r -> produced(new ResolveToolResults(r.results()));
        };
    }

    /** docs/runtime.md §8.2: evaluated once nothing else of the batch is pending. */
    private EventPayload.State attemptCompletion(ToolCall completion, List<ToolResult> results, ExpertMessage last) {
        ToolResult completionResult = tools.execute(List.of(completion)).getFirst();
        syncTodos();
        results.add(completionResult);
        // The base skill hands over what the completion decided as a value; the text only goes to the model.
        if (toolContext.takeCompletion(completion.id()).map(CompletionOutcome::mustContinue).orElse(false)) {
            return new ResolveToolResults(results);
        }
        String text = Messages.lastText(last);
        if (text != null) {
            return Checkpoints.completed(current, toolContext.todos(), List.of(Messages.tool(results),
                    new ExpertMessage(Ids.next(), List.of(Messages.text(text)), null)), text, Usage.ZERO, now());
        }
        return new AttemptCompletion(completionResult, results);
    }

    private ExpertMessage lastExpertMessage() {
        List<Message> messages = checkpoint().messagesOrEmpty();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof ExpertMessage e) {
                return e;
            }
        }
        return new ExpertMessage(Ids.next(), List.of(), null);
    }

    /** docs/runtime.md §10: stop with the delegation targets for the job loop to run the children. */
    private StopRunByDelegate delegate() {
        ToolDispatcher.Delegation d = tools.delegation(nullToEmpty(step().pendingToolCalls()));
        return Checkpoints.stoppedByDelegate(current, toolContext.todos(), d.targets(), d.rest(), now());
    }

    // ------------------------------------------------------------------ helpers

    /** The checkpoint keeps the todo list tool calls changed, so the continue hook sees it. */
    private void syncTodos() {
        current = current.withCheckpoint(checkpoint().toBuilder().todos(toolContext.todos()).build());
    }

    private StopRunByError stopByError(RunError error) {
        return Checkpoints.stoppedByError(current, toolContext.todos(), error, now());
    }

    private Outcome produced(EventPayload.State event) {
        return new Outcome.Produced(event, current);
    }

    private Event event(EventPayload payload) {
        return new Event(Ids.next(), checkpoint().expert().key(), now(), ctx.setting().run().jobId(),
                ctx.setting().run().runId(), checkpoint().stepNumber(), payload);
    }

    private void emitStreaming(EventPayload.Streaming payload) {
        ctx.emitter().emit(event(payload));
    }

    private Checkpoint checkpoint() {
        return current.checkpoint();
    }

    private Step step() {
        return current.step();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
