package io.perstack.skills;

import io.perstack.core.model.CompletionOutcome;
import io.perstack.core.model.Todo;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a tool call may touch besides its arguments: the todo list of the calling Expert's conversation, and what an
 * {@code attemptCompletion} call found, handed to the loop as a value beside its result. Updates are serialised so
 * parallel calls of one step never lose a change.
 */
public final class ToolCallContext {
    private Todo todos;
    private final Map<String, CompletionOutcome> completions = new HashMap<>();

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

    /** Records what the {@code attemptCompletion} call {@code callId} found, for the loop to read with its result. */
    public synchronized void recordCompletion(String callId, CompletionOutcome outcome) {
        completions.put(callId, outcome);
    }

    /**
     * What the {@code attemptCompletion} call {@code callId} found, removed once read; empty when the call failed
     * before the base skill answered (the run may then complete, as it always could on a failed completion).
     */
    public synchronized Optional<CompletionOutcome> takeCompletion(String callId) {
        return Optional.ofNullable(completions.remove(callId));
    }
}
