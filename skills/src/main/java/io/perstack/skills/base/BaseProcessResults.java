package io.perstack.skills.base;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.base.tools.AttemptCompletionTool;
import io.perstack.core.json.Json;
import io.perstack.core.model.CompletionOutcome;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.core.model.ToolResult;
import io.perstack.skills.ToolCallContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Results of {@code @perstack/base} running as a process. Over MCP only text arrives, so this is the one place that
 * reads {@code attemptCompletion}'s JSON back into a {@link CompletionOutcome}; the loop then reads the value, as it
 * does for the in-process skill. Files the process names are inlined through the in-process host when there is one.
 */
public final class BaseProcessResults implements BiFunction<ToolResult, ToolCallContext, ToolResult> {
    private final BaseSkillHost host;

    /** @param host the in-process host that inlines named files, or {@code null} for none */
    public BaseProcessResults(BaseSkillHost host) {
        this.host = host;
    }

    @Override
    public ToolResult apply(ToolResult result, ToolCallContext context) {
        if (AttemptCompletionTool.NAME.equals(result.toolName())) {
            context.recordCompletion(result.id(), completion(result));
            return result;
        }
        return host == null ? result : host.inlineNamedFile(result);
    }

    /** A non-empty {@code remainingTodos} array in any text part keeps the run going; anything else does not. */
    static CompletionOutcome completion(ToolResult result) {
        for (MessagePart.ResultContent c : result.result()) {
            if (c instanceof MessagePart.TextPart t) {
                try {
                    JsonNode remaining = Json.mapper().readTree(t.text()).path("remainingTodos");
                    if (remaining.isArray() && !remaining.isEmpty()) {
                        List<Todo.Item> items = new ArrayList<>(remaining.size());
                        for (JsonNode item : remaining) {
                            items.add(new Todo.Item(item.path("id").asInt(), item.path("title").asText(),
                                    item.path("completed").asBoolean()));
                        }
                        return new CompletionOutcome(items);
                    }
                } catch (java.io.IOException | RuntimeException notJson) {
                    // A non-JSON completion result has no todo list.
                }
            }
        }
        return new CompletionOutcome(List.of());
    }
}
