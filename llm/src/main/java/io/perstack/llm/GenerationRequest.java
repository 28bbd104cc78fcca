package io.perstack.llm;

import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.model.Message;
import io.perstack.core.tool.ToolDefinition;
import java.time.Duration;
import java.util.List;

/** One streaming generation: the history, the tools offered (empty for the final-result turn) and limits. */
public record GenerationRequest(String model, List<Message> messages, List<ToolDefinition> tools,
                                ReasoningBudget reasoning, Duration timeout) {
    public GenerationRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
    }
}
