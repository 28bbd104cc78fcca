package io.perstack.core.model;

import java.util.List;

/** One loop iteration of a run (docs/events.md §5). Timestamps are epoch milliseconds. */
public record Step(
        int stepNumber,
        List<Message> inputMessages,
        List<Message> newMessages,
        List<ToolCall> toolCalls,
        List<ToolResult> toolResults,
        List<ToolCall> pendingToolCalls,
        List<ToolResult> partialToolResults,
        Usage usage,
        long startedAt,
        Long finishedAt) {

    public Step {
        inputMessages = inputMessages == null ? null : List.copyOf(inputMessages);
        newMessages = newMessages == null ? List.of() : List.copyOf(newMessages);
        toolCalls = toolCalls == null ? null : List.copyOf(toolCalls);
        toolResults = toolResults == null ? null : List.copyOf(toolResults);
        pendingToolCalls = pendingToolCalls == null ? null : List.copyOf(pendingToolCalls);
        partialToolResults = partialToolResults == null ? null : List.copyOf(partialToolResults);
        usage = usage == null ? Usage.ZERO : usage;
    }

    public static Step start(int stepNumber, long startedAt) {
        return new Step(stepNumber, null, List.of(), null, null, null, null, Usage.ZERO, startedAt, null);
    }

    public Step withInputMessages(List<Message> v) {
        return new Step(stepNumber, v, newMessages, toolCalls, toolResults, pendingToolCalls, partialToolResults, usage, startedAt, finishedAt);
    }

    public Step withNewMessages(List<Message> v) {
        return new Step(stepNumber, inputMessages, v, toolCalls, toolResults, pendingToolCalls, partialToolResults, usage, startedAt, finishedAt);
    }

    public Step withToolCalls(List<ToolCall> v) {
        return new Step(stepNumber, inputMessages, newMessages, v, toolResults, pendingToolCalls, partialToolResults, usage, startedAt, finishedAt);
    }

    public Step withToolResults(List<ToolResult> v) {
        return new Step(stepNumber, inputMessages, newMessages, toolCalls, v, pendingToolCalls, partialToolResults, usage, startedAt, finishedAt);
    }

    public Step withPending(List<ToolCall> pending, List<ToolResult> partial) {
        return new Step(stepNumber, inputMessages, newMessages, toolCalls, toolResults,
                pending == null || pending.isEmpty() ? null : pending,
                partial == null || partial.isEmpty() ? null : partial, usage, startedAt, finishedAt);
    }

    public Step withUsage(Usage v) {
        return new Step(stepNumber, inputMessages, newMessages, toolCalls, toolResults, pendingToolCalls, partialToolResults, v, startedAt, finishedAt);
    }

    public Step finished(long at) {
        return new Step(stepNumber, inputMessages, newMessages, toolCalls, toolResults, pendingToolCalls, partialToolResults, usage, startedAt, at);
    }
}
