package io.perstack.runtime.loop;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.PerstackConfig.Price;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;
import io.perstack.core.model.CompletionOutcome;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.ExpertRef;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.runtime.RunInput;
import io.perstack.runtime.RunListener;
import io.perstack.runtime.RunNotice;
import io.perstack.runtime.RunSetting;
import io.perstack.runtime.cost.CostMeter;
import io.perstack.runtime.event.Emitter;
import io.perstack.runtime.prompt.Instruction;
import io.perstack.skills.DelegateSkill;
import io.perstack.skills.InteractiveSkill;
import io.perstack.skills.Skill;
import io.perstack.skills.SkillSet;
import io.perstack.skills.ToolCallContext;
import io.perstack.skills.ToolSkill;
import io.perstack.skills.base.InProcessBaseSkill;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * One run segment of the real loop, wired to memory only: a scripted LLM, in-memory skills, storage and listener, a
 * retry wait that is recorded instead of slept. Everything runs on the test's thread except parallel tool calls.
 */
final class LoopFixture {
    static final ExpertRef WORKER = new ExpertRef("worker", "worker", "1.0.0");
    static final ExpertRef CHILD = new ExpertRef("child", "child", "1.0.0");

    /**
     * A tool skill answering from a function; {@code calls} records what it was asked, in arrival order. As the base
     * skill, it hands an {@code attemptCompletion}'s {@code completion} outcome to the loop the way the real one does.
     */
    record FakeSkill(String name, List<ToolDefinition> tools, Function<ToolCall, String> answer,
                     List<ToolCall> calls, CompletionOutcome completion) implements ToolSkill {
        @Override
        public ToolResult call(ToolCall call, ToolCallContext context) {
            calls.add(call);
            if (completion != null && call.toolName().equals(InProcessBaseSkill.ATTEMPT_COMPLETION)) {
                context.recordCompletion(call.id(), completion);
            }
            return new ToolResult(call.id(), name, call.toolName(),
                    List.of(new TextPart(Ids.next(), answer.apply(call))));
        }
    }

    static FakeSkill skill(String name, Function<ToolCall, String> answer, String... toolNames) {
        List<ToolDefinition> defs = new ArrayList<>();
        for (String t : toolNames) {
            defs.add(new ToolDefinition(name, t, t, Json.object().put("type", "object")));
        }
        return new FakeSkill(name, defs, answer, new CopyOnWriteArrayList<>(), null);
    }

    /** The base skill's name with {@code echo} and an {@code attemptCompletion} that answers {@code completion}. */
    static FakeSkill base(String completion) {
        return skill(InProcessBaseSkill.NAME, c -> c.toolName().equals("attemptCompletion") ? completion
                : "echo:" + c.args().path("text").asText(), "echo", "attemptCompletion");
    }

    /** As above, with todos still open: the completion's outcome says the run must go on. */
    static FakeSkill base(String completion, String... remainingTodos) {
        FakeSkill plain = base(completion);
        List<Todo.Item> open = new ArrayList<>();
        for (int i = 0; i < remainingTodos.length; i++) {
            open.add(new Todo.Item(i, remainingTodos[i], false));
        }
        return new FakeSkill(plain.name(), plain.tools(), plain.answer(), plain.calls(), new CompletionOutcome(open));
    }

    static InteractiveSkill askHuman() {
        return new InteractiveSkill("human", List.of(new ToolDefinition("human", "ask", "Ask a human",
                Json.object().put("type", "object"))));
    }

    static DelegateSkill child() {
        return DelegateSkill.of(CHILD, "Does the child's part");
    }

    static JsonNode args(String key, String value) {
        return Json.object().put(key, value);
    }

    final MemoryStorage storage = new MemoryStorage();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<RunNotice> notices = new CopyOnWriteArrayList<>();
    final List<Long> waits = new CopyOnWriteArrayList<>();
    /** What the retry wait does besides being recorded; a test may cancel the run here. */
    RunControl.Sleeper whileWaiting = ms -> { };
    final RunControl control;
    private final List<Skill> skills = new ArrayList<>();
    private RunSetting.Builder setting = RunSetting.builder().expertKey("worker").input(RunInput.text("Go"))
            .experts(Map.of("worker", expert("worker", List.of("child")), "child", expert("child", List.of())))
            .runtime("local");
    private CostMeter cost = new CostMeter(null, 0);

    LoopFixture() {
        this(null);
    }

    /** @param hook the continue hook, or {@code null}; a hook also keeps the next step from starting early */
    LoopFixture(RunControl.ContinueHook hook) {
        control = new RunControl(hook, ms -> {
            waits.add(ms);
            whileWaiting.sleep(ms);
        });
    }

    private static ExpertConfig expert(String key, List<String> delegates) {
        return new ExpertConfig(key, key, "1.0.0", null, "The " + key, "Work.", delegates, List.of(), Map.of(),
                List.of(), null, null);
    }

    LoopFixture with(Skill... more) {
        skills.addAll(List.of(more));
        return this;
    }

    LoopFixture maxSteps(int n) {
        setting.maxSteps(n);
        return this;
    }

    LoopFixture maxRetries(int n) {
        setting.maxRetries(n);
        return this;
    }

    /** A budget and a price of $1 per million tokens either way, with {@code spent} already used by the job. */
    LoopFixture budget(double usd, double spent) {
        setting.maxCostUsd(usd);
        cost = new CostMeter(new Price(1.0, null, 1.0), spent);
        return this;
    }

    RunSetting setting() {
        return setting.build();
    }

    /** A fresh run segment's checkpoint (docs/runtime.md §4). */
    static Checkpoint fresh(RunSetting s) {
        return Checkpoint.builder().id(Ids.next()).jobId(s.run().jobId()).runId(s.run().runId())
                .status(CheckpointStatus.INIT)
                .stepNumber(1).messages(List.of()).expert(WORKER).usage(Usage.ZERO).contextWindow(200_000L)
                .contextWindowUsage(0.0).build();
    }

    /** How the job loop continues from {@code stopped}: a copy with a new id and the next step number. */
    static Checkpoint continuing(RunSetting s, Checkpoint stopped) {
        return stopped.toBuilder().id(Ids.next()).runId(s.run().runId()).stepNumber(stopped.stepNumber() + 1).build();
    }

    Checkpoint run(ScriptedLlm llm) {
        RunSetting s = setting();
        return run(s, fresh(s), llm);
    }

    Checkpoint run(RunSetting s, Checkpoint initial, ScriptedLlm llm) {
        RunListener listener = new RunListener() {
            @Override
            public void onEvent(Event event) {
                events.add(event);
            }

            @Override
            public void onNotice(RunNotice notice) {
                notices.add(notice);
            }
        };
        Emitter emitter = new Emitter(storage, List.of(listener));
        RunLoop loop = new RunLoop(new RunLoop.Context(s, s.job().experts().get(s.run().expertKey()), SkillSet.of(skills), llm,
                emitter, cost, control, Instant.EPOCH, "/workspace",
                List.of(new Instruction.DelegateInfo("child", "The child")), 200_000L));
        return loop.run(initial);
    }

    /** Event types without streaming events, in emission order. */
    List<String> stateEvents() {
        return events.stream().filter(e -> e.payload() instanceof EventPayload.State).map(Event::type).toList();
    }

    List<String> types() {
        return events.stream().map(Event::type).toList();
    }

    <T extends EventPayload> T only(Class<T> type) {
        List<T> found = events.stream().map(Event::payload).filter(type::isInstance).map(type::cast).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", got " + found.size());
        }
        return found.getFirst();
    }
}
