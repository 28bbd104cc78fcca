package io.perstack.llm;

import io.perstack.core.model.MessagePart.ThinkingPart;
import io.perstack.core.model.Usage;
import java.util.List;

/** A finished generation: reasoning (with signatures), text, tool calls, finish reason and normalised usage. */
public record GenerationResult(List<ThinkingPart> thinking, String text, List<GeneratedToolCall> toolCalls,
                               FinishReason finishReason, Usage usage) {
    public GenerationResult {
        thinking = List.copyOf(thinking);
        text = text == null ? "" : text;
        toolCalls = List.copyOf(toolCalls);
    }
}
