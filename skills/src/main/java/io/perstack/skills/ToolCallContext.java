package io.perstack.skills;

import io.perstack.core.model.Todo;
import java.util.function.UnaryOperator;

/**
 * What a tool call may touch besides its arguments: the todo list of the calling Expert's conversation. Updates are
 * serialised so parallel calls of one step never lose a change.
 */
public final class ToolCallContext {
    private Todo todos;

    public ToolCallContext(Todo todos) {
        this.todos = todos;
    }

    public synchronized Todo todos() {
        return todos;
    }

    /** Applies {@code change} atomically and returns the new list. */
    public synchronized Todo updateTodos(UnaryOperator<Todo> change) {
        todos = change.apply(todos);
        return todos;
    }
}
