package io.perstack.runtime.loop;

import static io.perstack.runtime.loop.LoopFixture.args;
import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.runtime.loop.ToolDispatcher.Dispatch;
import io.perstack.skills.SkillSet;
import io.perstack.skills.ToolCallContext;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ToolDispatcherTest {
    private static String text(ToolResult r) {
        return ((MessagePart.TextPart) r.result().getFirst()).text();
    }

    private static ToolCall call(String id, String skill, String tool) {
        return new ToolCall(id, skill, tool, args("text", id));
    }

    @Test
    void mcpCallsRunTogetherOnTheInjectedExecutorAndAnswerInCallOrder() {
        CountDownLatch both = new CountDownLatch(2);
        LoopFixture.FakeSkill slow = LoopFixture.skill("slow", c -> {
            both.countDown();
            try {
                // Each call waits for the other: only parallel execution gets both past this point.
                return both.await(10, TimeUnit.SECONDS) ? "ran with the other" : "ran alone";
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, "wait");
        AtomicInteger executors = new AtomicInteger();
        ToolDispatcher dispatcher = new ToolDispatcher(SkillSet.of(List.of(slow)), new ToolCallContext(Todo.EMPTY),
                1_000, () -> {
                    executors.incrementAndGet();
                    return Executors.newVirtualThreadPerTaskExecutor();
                });

        List<ToolResult> results = dispatcher.execute(List.of(call("a", "slow", "wait"), call("b", "slow", "wait")));

        assertThat(results).extracting(ToolResult::id).containsExactly("a", "b");
        assertThat(results).extracting(ToolDispatcherTest::text).containsOnly("ran with the other");
        assertThat(executors).hasValue(1);
    }

    @Test
    void anUnknownToolIsAnsweredAndAThrowingToolBecomesAnErrorResult() {
        LoopFixture.FakeSkill broken = LoopFixture.skill("broken", c -> {
            throw new IllegalStateException("pipe closed");
        }, "explode");
        ToolDispatcher dispatcher = new ToolDispatcher(SkillSet.of(List.of(broken)), new ToolCallContext(Todo.EMPTY),
                1_000);

        List<ToolResult> results = dispatcher.execute(List.of(call("a", "unknown", "nope"),
                call("b", "broken", "explode")));

        assertThat(results).extracting(ToolDispatcherTest::text)
                .containsExactly("Tool nope not found", "Error calling tool explode: pipe closed");
    }

    @Test
    void aResultLongerThanTheCapIsCut() {
        LoopFixture.FakeSkill chatty = LoopFixture.skill("chatty", c -> "x".repeat(100), "talk");
        ToolDispatcher dispatcher = new ToolDispatcher(SkillSet.of(List.of(chatty)), new ToolCallContext(Todo.EMPTY),
                10);

        String cut = text(dispatcher.execute(List.of(call("a", "chatty", "talk"))).getFirst());

        assertThat(cut).startsWith("x".repeat(10) + "\n[perstack: tool result truncated after 10 bytes; 100 bytes");
    }

    @Test
    void completionIsDeferredUntilTheDelegatesAndHumansHaveAnswered() {
        SkillSet skills = SkillSet.of(List.of(LoopFixture.base("{}"), LoopFixture.child(), LoopFixture.askHuman()));
        ToolDispatcher dispatcher = new ToolDispatcher(skills, new ToolCallContext(Todo.EMPTY), 1_000);
        ToolCall done = call("done", "@perstack/base", "attemptCompletion");
        ToolCall echo = call("echo", "@perstack/base", "echo");
        ToolCall delegate = call("d", "child", "child");
        ToolCall ask = call("ask", "human", "ask");

        Dispatch all = dispatcher.dispatch(List.of(done, echo, delegate, ask), List.of());
        Dispatch human = dispatcher.dispatch(List.of(ask, done), List.of());
        Dispatch last = dispatcher.dispatch(List.of(done), List.of());

        assertThat(all).isInstanceOfSatisfying(Dispatch.Delegate.class, d -> {
            assertThat(d.delegates()).containsExactly(delegate);
            assertThat(d.stillPending()).containsExactly(delegate, ask, done);
            assertThat(d.results()).extracting(ToolResult::id).containsExactly("echo");
        });
        assertThat(human).isInstanceOfSatisfying(Dispatch.Interactive.class, i ->
                assertThat(i.stillPending()).containsExactly(ask, done));
        assertThat(last).isInstanceOfSatisfying(Dispatch.Completion.class, c ->
                assertThat(c.completion()).isEqualTo(done));
    }
}
