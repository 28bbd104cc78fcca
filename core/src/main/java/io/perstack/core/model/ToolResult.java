package io.perstack.core.model;

import io.perstack.core.model.MessagePart.ResultContent;
import java.util.List;

/** The answer to one {@link ToolCall}; {@code result} holds text, inline image and inline file parts. */
public record ToolResult(String id, String skillName, String toolName, List<ResultContent> result) {
    public ToolResult {
        result = List.copyOf(result);
    }
}
