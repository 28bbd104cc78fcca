package io.perstack.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.core.tool.ToolDefinition;
import java.util.ArrayList;
import java.util.List;

/** Placeholder with the control tools only; replaced by the base-skill work. */
public final class BaseSkill {
    private final BaseSkillOptions options;
    private final long started = System.nanoTime();

    private BaseSkill(BaseSkillOptions options) {
        this.options = options;
    }

    public static BaseSkill create(BaseSkillOptions options) {
        return new BaseSkill(options);
    }

    public List<ToolDefinition> tools() {
        ObjectNode empty = Json.object().put("type", "object");
        empty.putObject("properties");
        ObjectNode todo = Json.object().put("type", "object");
        ObjectNode props = todo.putObject("properties");
        props.putObject("newTodos").put("type", "array").putObject("items").put("type", "string");
        props.putObject("completedTodos").put("type", "array").putObject("items").put("type", "number");
        return List.of(
                new ToolDefinition("@perstack/base", "attemptCompletion", "Finish the task.", empty),
                new ToolDefinition("@perstack/base", "todo", "Manage the todo list.", todo),
                new ToolDefinition("@perstack/base", "clearTodo", "Clear the todo list.", empty),
                new ToolDefinition("@perstack/base", "healthCheck", "Report runtime health.", empty));
    }

    public BaseToolResult call(String toolName, JsonNode args, Todo todos) {
        ObjectNode out = Json.object();
        Todo next = todos;
        switch (toolName) {
            case "attemptCompletion" -> {
                if (!todos.remaining().isEmpty()) {
                    out.set("remainingTodos", Json.mapper().valueToTree(todos.remaining()));
                }
            }
            case "todo" -> {
                List<String> titles = new ArrayList<>();
                args.path("newTodos").forEach(n -> titles.add(n.asText()));
                List<Integer> done = new ArrayList<>();
                args.path("completedTodos").forEach(n -> done.add(n.asInt()));
                next = todos.add(titles, done);
                out.set("todos", Json.mapper().valueToTree(next.items()));
            }
            case "clearTodo" -> {
                next = Todo.EMPTY;
                out.set("todos", Json.mapper().createArrayNode());
            }
            case "healthCheck" -> {
                out.put("status", "ok").put("workspace", options.modelVisibleRoot())
                        .put("uptime", (System.nanoTime() - started) / 1_000_000_000 + "s");
                ArrayNode unused = null;
                out.put("pid", ProcessHandle.current().pid());
            }
            default -> {
                out.put("error", "Error").put("message", "Tool " + toolName + " not found");
                return new BaseToolResult(List.of(new MessagePart.TextPart(io.perstack.core.id.Ids.next(),
                        Json.write(out))), todos, true);
            }
        }
        return new BaseToolResult(List.of(new MessagePart.TextPart(io.perstack.core.id.Ids.next(), Json.write(out))),
                next, false);
    }
}
