package io.perstack.base;

import io.perstack.core.model.CompletionOutcome;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import java.util.List;
import java.util.Optional;

/**
 * One tool call's outcome.
 *
 * @param contents   the result parts: one text part holding JSON, or one inline image or file part
 * @param todos      the todo list after the call; the caller owns it, so parallel delegates never share one
 * @param isError    whether the tool failed
 * @param completion what a successful {@code attemptCompletion} found, {@code null} for every other call; the text
 *                   part says the same to the model
 */
public record BaseToolResult(List<MessagePart.ResultContent> contents, Todo todos, boolean isError,
                             CompletionOutcome completion) {
    public BaseToolResult {
        contents = List.copyOf(contents);
    }

    public BaseToolResult(List<MessagePart.ResultContent> contents, Todo todos, boolean isError) {
        this(contents, todos, isError, null);
    }

    /** The completion outcome, present only for a successful {@code attemptCompletion}. */
    public Optional<CompletionOutcome> completionOutcome() {
        return Optional.ofNullable(completion);
    }
}
