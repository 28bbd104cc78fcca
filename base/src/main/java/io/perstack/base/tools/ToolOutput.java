package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.model.CompletionOutcome;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;

/** What one base tool answers; {@code BaseSkill} turns it into a {@code BaseToolResult}. */
public sealed interface ToolOutput {
    /** A JSON object, sent as the one text part. */
    record Text(ObjectNode json, boolean isError) implements ToolOutput {}

    /** A ready part: an inline image or file, or the {@code {path, mimeType, size}} text of stdio mode. */
    record Part(MessagePart.ResultContent part) implements ToolOutput {}

    /** The todo list changed; {@code json} is the answer. */
    record TodosChanged(ObjectNode json, Todo todos) implements ToolOutput {}

    /** {@code attemptCompletion}'s answer and, as a value, what it found. */
    record Completion(ObjectNode json, CompletionOutcome outcome) implements ToolOutput {}

    static Text ok(ObjectNode json) {
        return new Text(json, false);
    }
}
