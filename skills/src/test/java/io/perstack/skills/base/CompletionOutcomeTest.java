package io.perstack.skills.base;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.json.Json;
import io.perstack.core.model.CompletionOutcome;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.skills.ToolCallContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What attemptCompletion found reaches the loop as a value, from the in-process skill and from a base process. */
class CompletionOutcomeTest {
    @TempDir
    Path ws;

    @Test
    void inProcessCompletionRecordsTheRemainingTodosUnderItsCallId() {
        try (BaseSkillHost host = BaseSkillHost.open(ws, List.of(), List.of(), null, Map.of(), List.of())) {
            InProcessBaseSkill skill = new InProcessBaseSkill(host, List.of(), List.of());
            ToolCallContext context = new ToolCallContext(Todo.EMPTY.add(List.of("write it"), List.of()));

            ToolResult result = skill.call(new ToolCall("call_1", InProcessBaseSkill.NAME,
                    InProcessBaseSkill.ATTEMPT_COMPLETION, Json.object()), context);

            assertThat(((MessagePart.TextPart) result.result().getFirst()).text())
                    .isEqualTo("{\"remainingTodos\":[{\"id\":0,\"title\":\"write it\",\"completed\":false}]}");
            assertThat(context.takeCompletion("call_1")).hasValueSatisfying(o ->
                    assertThat(o.remainingTodos()).extracting(Todo.Item::title).containsExactly("write it"));
            assertThat(context.takeCompletion("call_1")).as("read once").isEmpty();

            skill.call(new ToolCall("call_2", InProcessBaseSkill.NAME, "healthCheck", Json.object()), context);
            assertThat(context.takeCompletion("call_2")).isEmpty();
        }
    }

    @Test
    void aBaseProcessAnswerIsReadIntoTheSameValueWhereItArrives() {
        ToolCallContext context = new ToolCallContext(Todo.EMPTY);
        BaseProcessResults results = new BaseProcessResults(null);

        ToolResult open = text("call_1", "{\"remainingTodos\":[{\"id\":3,\"title\":\"b\",\"completed\":false}]}");
        assertThat(results.apply(open, context)).isSameAs(open);
        assertThat(context.takeCompletion("call_1")).map(CompletionOutcome::remainingTodos)
                .hasValue(List.of(new Todo.Item(3, "b", false)));

        results.apply(text("call_2", "{}"), context);
        assertThat(context.takeCompletion("call_2")).map(CompletionOutcome::mustContinue).hasValue(false);
        results.apply(text("call_3", "not json"), context);
        assertThat(context.takeCompletion("call_3")).map(CompletionOutcome::mustContinue).hasValue(false);
    }

    private static ToolResult text(String id, String text) {
        return new ToolResult(id, InProcessBaseSkill.NAME, InProcessBaseSkill.ATTEMPT_COMPLETION,
                List.of(new MessagePart.TextPart("p", text)));
    }
}
