package io.perstack.core.model;

import java.util.List;

/**
 * What one {@code attemptCompletion} call found: the todos still open. It travels beside the tool result, from the
 * base skill to the agent loop, so the loop decides whether the run may complete on this value rather than by
 * re-reading the JSON text the model is shown.
 *
 * @param remainingTodos the incomplete todos; empty means the run may complete
 */
public record CompletionOutcome(List<Todo.Item> remainingTodos) {
    public CompletionOutcome {
        remainingTodos = List.copyOf(remainingTodos);
    }

    /** The outcome for a conversation's current todo list. */
    public static CompletionOutcome of(Todo todos) {
        return new CompletionOutcome(todos.remaining());
    }

    /** Whether the Expert must keep working instead of completing. */
    public boolean mustContinue() {
        return !remainingTodos.isEmpty();
    }
}
