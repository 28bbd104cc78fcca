package io.perstack.base;

import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import java.util.List;

/**
 * One tool call's outcome.
 *
 * @param contents the result parts: one text part holding JSON, or one inline image or file part
 * @param todos    the todo list after the call; the caller owns it, so parallel delegates never share one
 * @param isError  whether the tool failed
 */
public record BaseToolResult(List<MessagePart.ResultContent> contents, Todo todos, boolean isError) {
    public BaseToolResult {
        contents = List.copyOf(contents);
    }
}
