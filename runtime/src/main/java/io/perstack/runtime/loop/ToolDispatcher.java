package io.perstack.runtime.loop;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.DelegationTarget;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.llm.GeneratedToolCall;
import io.perstack.skills.DelegateSkill;
import io.perstack.skills.InteractiveSkill;
import io.perstack.skills.Skill;
import io.perstack.skills.SkillSet;
import io.perstack.skills.ToolCallContext;
import io.perstack.skills.ToolSkill;
import io.perstack.skills.base.InProcessBaseSkill;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Routes a step's tool calls to skills (docs/runtime.md §8.1, §10): attributes and sorts generated calls, runs the MCP
 * calls in parallel on the injected executor, and tells what the rest of the batch asks for (a delegation, a human
 * answer, completion). Building events from that is the loop's job.
 */
final class ToolDispatcher {
    /** The call kinds of docs/runtime.md §8.1, in the order tool calls are sorted. */
    enum Kind { MCP, DELEGATE, INTERACTIVE }

    /** What a batch of pending calls leads to once its MCP calls ran; {@code results} include those carried over. */
    sealed interface Dispatch {
        /** Delegate calls stop the run; everything not yet answered stays pending, delegates first. */
        record Delegate(List<ToolCall> delegates, List<ToolCall> stillPending, List<ToolResult> results)
                implements Dispatch {}

        /** A human must answer {@code first}; the interactive calls (and a deferred completion) stay pending. */
        record Interactive(ToolCall first, List<ToolCall> stillPending, List<ToolResult> results)
                implements Dispatch {}

        /** Only {@code attemptCompletion} is left, evaluated last (docs/runtime.md §8.2). */
        record Completion(ToolCall completion, List<ToolResult> results) implements Dispatch {}

        /** Every call is answered. */
        record Resolved(List<ToolResult> results) implements Dispatch {}
    }

    /** The delegation targets of the pending calls, and the calls that are not delegations. */
    record Delegation(List<DelegationTarget> targets, List<ToolCall> rest) {}

    private final SkillSet skills;
    private final ToolCallContext context;
    private final int maxResultBytes;
    private final Supplier<ExecutorService> parallel;

    /** @param parallel a fresh executor per batch; closing it waits for the batch's calls */
    ToolDispatcher(SkillSet skills, ToolCallContext context, int maxResultBytes,
                   Supplier<ExecutorService> parallel) {
        this.skills = skills;
        this.context = context;
        this.maxResultBytes = maxResultBytes;
        this.parallel = parallel;
    }

    ToolDispatcher(SkillSet skills, ToolCallContext context, int maxResultBytes) {
        this(skills, context, maxResultBytes, Executors::newVirtualThreadPerTaskExecutor);
    }

    /** Attributes calls to skills and orders them mcp → delegate → interactive, stable within a kind. */
    List<ToolCall> sorted(List<GeneratedToolCall> generated) {
        List<ToolCall> calls = new ArrayList<>(generated.size());
        for (GeneratedToolCall g : generated) {
            String skill = skills.skillFor(g.toolName()).map(Skill::name).orElse("unknown");
            calls.add(new ToolCall(g.id() == null || g.id().isEmpty() ? Ids.next() : g.id(), skill, g.toolName(),
                    g.args() == null ? Json.object() : g.args()));
        }
        calls.sort(Comparator.comparing(this::kind));
        return calls;
    }

    /** A tool no skill provides counts as MCP: it is answered with a "not found" result, not stopped on. */
    Kind kind(ToolCall call) {
        return skills.skillFor(call.toolName()).map(s -> switch (s) {
            case ToolSkill t -> Kind.MCP;
            case DelegateSkill d -> Kind.DELEGATE;
            case InteractiveSkill i -> Kind.INTERACTIVE;
        }).orElse(Kind.MCP);
    }

    /** docs/runtime.md §8.1: runs the MCP calls among {@code pending} and classifies what is left. */
    Dispatch dispatch(List<ToolCall> pending, List<ToolResult> carried) {
        List<ToolResult> results = new ArrayList<>(carried);
        ToolCall completion = null;
        List<ToolCall> others = new ArrayList<>();
        for (ToolCall c : pending) {
            if (completion == null && isCompletion(c)) {
                completion = c;
            } else {
                others.add(c);
            }
        }
        List<ToolCall> delegates = others.stream().filter(c -> kind(c) == Kind.DELEGATE).toList();
        List<ToolCall> interactive = others.stream().filter(c -> kind(c) == Kind.INTERACTIVE).toList();
        results.addAll(execute(others.stream().filter(c -> kind(c) == Kind.MCP).toList()));
        if (!delegates.isEmpty()) {
            List<ToolCall> stillPending = new ArrayList<>(delegates);
            stillPending.addAll(interactive);
            addIfPresent(stillPending, completion);
            return new Dispatch.Delegate(delegates, stillPending, results);
        }
        if (!interactive.isEmpty()) {
            List<ToolCall> stillPending = new ArrayList<>(interactive);
            addIfPresent(stillPending, completion);
            return new Dispatch.Interactive(interactive.getFirst(), stillPending, results);
        }
        if (completion != null) {
            return new Dispatch.Completion(completion, results);
        }
        return new Dispatch.Resolved(results);
    }

    private static boolean isCompletion(ToolCall c) {
        return InProcessBaseSkill.NAME.equals(c.skillName()) && InProcessBaseSkill.ATTEMPT_COMPLETION.equals(c.toolName());
    }

    private static void addIfPresent(List<ToolCall> calls, ToolCall call) {
        if (call != null) {
            calls.add(call);
        }
    }

    /** Executes calls, in parallel when there are several; results come back in call order and never throw. */
    List<ToolResult> execute(List<ToolCall> calls) {
        if (calls.isEmpty()) {
            return List.of();
        }
        if (calls.size() == 1) {
            return List.of(executeOne(calls.getFirst()));
        }
        try (ExecutorService pool = parallel.get()) {
            List<Future<ToolResult>> futures = new ArrayList<>(calls.size());
            for (ToolCall c : calls) {
                futures.add(pool.submit(() -> executeOne(c)));
            }
            List<ToolResult> out = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                ToolCall c = calls.get(i);
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
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
        Skill skill = skills.skillFor(call.toolName()).orElse(null);
        if (!(skill instanceof ToolSkill tool)) {
            return Messages.textResult(call.id(), call.skillName(), call.toolName(),
                    "Tool " + call.toolName() + " not found");
        }
        ToolResult result;
        try {
            result = tool.call(call, context);
        } catch (RuntimeException e) {
            result = Messages.textResult(call.id(), call.skillName(), call.toolName(),
                    "Error calling tool " + call.toolName() + ": " + e.getMessage());
        }
        return Messages.capped(result, maxResultBytes);
    }

    /**
     * docs/runtime.md §10: one target per delegate call among {@code pending}.
     *
     * @throws IllegalStateException when a delegate call has no string {@code query}, which fails the run
     */
    Delegation delegation(List<ToolCall> pending) {
        List<DelegationTarget> targets = new ArrayList<>();
        List<ToolCall> rest = new ArrayList<>();
        for (ToolCall c : pending) {
            if (skills.skillFor(c.toolName()).orElse(null) instanceof DelegateSkill d) {
                JsonNode query = c.args() == null ? null : c.args().get("query");
                if (query == null || !query.isTextual()) {
                    throw new IllegalStateException("Delegation error: query is undefined for " + c.toolName());
                }
                targets.add(new DelegationTarget(d.expert(), c.id(), c.toolName(), query.asText()));
            } else {
                rest.add(c);
            }
        }
        return new Delegation(targets, rest);
    }
}
