package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;

/** {@code todo}: adds todos and marks existing ones completed, answering with the whole list. */
public final class TodoTool implements BaseTool {
    public static final String NAME = "todo";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Plan and track your work: add new todos and mark existing ones completed. Returns the whole list. "
                + "Completed todos are never reopened.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.object()
                .arrayOf("newTodos", "string", "Titles of todos to add. Ids count up from 0.")
                .arrayOf("completedTodos", "number", "Ids of todos to mark completed. Unknown ids are ignored.")
                .build();
    }

    @Override
    public boolean usesTodos() {
        return true;
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        Todo next = todos.add(args.strings("newTodos"), args.integers("completedTodos"));
        return new ToolOutput.TodosChanged(json(next), next);
    }

    /** {@code {"todos":[…]}}, the answer of both todo tools. */
    static ObjectNode json(Todo todo) {
        ObjectNode out = Json.object();
        out.set("todos", Json.mapper().valueToTree(todo.items()));
        return out;
    }
}
