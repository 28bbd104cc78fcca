package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.model.Todo;

/** {@code clearTodo}: empties the list and restarts ids. */
public final class ClearTodoTool implements BaseTool {
    public static final String NAME = "clearTodo";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Remove every todo and restart ids at 0. Returns the empty list.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.object().build();
    }

    @Override
    public boolean usesTodos() {
        return true;
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) {
        return new ToolOutput.TodosChanged(TodoTool.json(Todo.EMPTY), Todo.EMPTY);
    }
}
