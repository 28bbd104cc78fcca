package io.perstack.core.model;

import io.perstack.core.model.MessagePart.ResultContent;
import java.util.List;

/**
 * The answer to one {@link ToolCall}; {@code result} holds text, inline image and inline file parts.
 * {@code isError} (additive, omitted when absent) marks results the tool itself flagged as errors.
 */
public record ToolResult(String id, String skillName, String toolName, List<ResultContent> result, Boolean isError) {
    public ToolResult {
        result = List.copyOf(result);
    }

    public ToolResult(String id, String skillName, String toolName, List<ResultContent> result) {
        this(id, skillName, toolName, result, null);
    }
}
