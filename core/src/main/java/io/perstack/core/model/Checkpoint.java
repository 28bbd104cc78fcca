package io.perstack.core.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot of one Expert's state at the end of a step, in the compatible wire shape (docs/runtime.md §1). The stored form
 * carries {@code messageRef} instead of {@code messages}; storage converts between the two.
 */
public record Checkpoint(
        String id,
        String jobId,
        String runId,
        CheckpointStatus status,
        int stepNumber,
        List<Message> messages,
        ExpertRef expert,
        List<DelegationTarget> delegateTo,
        DelegatedBy delegatedBy,
        Usage usage,
        Long contextWindow,
        Double contextWindowUsage,
        List<ToolCall> pendingToolCalls,
        List<ToolResult> partialToolResults,
        CheckpointMetadata metadata,
        RunError error,
        Integer retryCount,
        MessageRef messageRef) {

    public Checkpoint {
        messages = messages == null ? null : List.copyOf(messages);
        delegateTo = delegateTo == null ? null : List.copyOf(delegateTo);
        pendingToolCalls = pendingToolCalls == null ? null : List.copyOf(pendingToolCalls);
        partialToolResults = partialToolResults == null ? null : List.copyOf(partialToolResults);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id; b.jobId = jobId; b.runId = runId; b.status = status; b.stepNumber = stepNumber;
        b.messages = messages; b.expert = expert; b.delegateTo = delegateTo; b.delegatedBy = delegatedBy;
        b.usage = usage; b.contextWindow = contextWindow; b.contextWindowUsage = contextWindowUsage;
        b.pendingToolCalls = pendingToolCalls; b.partialToolResults = partialToolResults; b.metadata = metadata;
        b.error = error; b.retryCount = retryCount; b.messageRef = messageRef;
        return b;
    }

    public List<Message> messagesOrEmpty() {
        return messages == null ? List.of() : messages;
    }

    public Todo todos() {
        return metadata == null || metadata.todos() == null ? Todo.EMPTY : metadata.todos();
    }

    public int retries() {
        return retryCount == null ? 0 : retryCount;
    }

    public Checkpoint withMessagesAppended(List<? extends Message> added) {
        if (added.isEmpty()) {
            return this;
        }
        List<Message> next = new ArrayList<>(messagesOrEmpty().size() + added.size());
        next.addAll(messagesOrEmpty());
        next.addAll(added);
        return toBuilder().messages(next).build();
    }

    /** Mutable helper for the many one-field changes the state machine makes. */
    public static final class Builder {
        private String id, jobId, runId;
        private CheckpointStatus status;
        private int stepNumber;
        private List<Message> messages;
        private ExpertRef expert;
        private List<DelegationTarget> delegateTo;
        private DelegatedBy delegatedBy;
        private Usage usage;
        private Long contextWindow;
        private Double contextWindowUsage;
        private List<ToolCall> pendingToolCalls;
        private List<ToolResult> partialToolResults;
        private CheckpointMetadata metadata;
        private RunError error;
        private Integer retryCount;
        private MessageRef messageRef;

        public Builder id(String v) { id = v; return this; }
        public Builder jobId(String v) { jobId = v; return this; }
        public Builder runId(String v) { runId = v; return this; }
        public Builder status(CheckpointStatus v) { status = v; return this; }
        public Builder stepNumber(int v) { stepNumber = v; return this; }
        public Builder messages(List<Message> v) { messages = v; return this; }
        public Builder expert(ExpertRef v) { expert = v; return this; }
        public Builder delegateTo(List<DelegationTarget> v) { delegateTo = v; return this; }
        public Builder delegatedBy(DelegatedBy v) { delegatedBy = v; return this; }
        public Builder usage(Usage v) { usage = v; return this; }
        public Builder contextWindow(Long v) { contextWindow = v; return this; }
        public Builder contextWindowUsage(Double v) { contextWindowUsage = v; return this; }
        public Builder pendingToolCalls(List<ToolCall> v) { pendingToolCalls = v == null || v.isEmpty() ? null : v; return this; }
        public Builder partialToolResults(List<ToolResult> v) { partialToolResults = v == null || v.isEmpty() ? null : v; return this; }
        public Builder metadata(CheckpointMetadata v) { metadata = v; return this; }
        public Builder todos(Todo v) {
            metadata = new CheckpointMetadata(v, metadata == null ? null : metadata.extra());
            return this;
        }
        public Builder error(RunError v) { error = v; return this; }
        public Builder retryCount(Integer v) { retryCount = v; return this; }
        public Builder messageRef(MessageRef v) { messageRef = v; return this; }

        public Checkpoint build() {
            return new Checkpoint(id, jobId, runId, status, stepNumber, messages, expert, delegateTo, delegatedBy,
                    usage, contextWindow, contextWindowUsage, pendingToolCalls, partialToolResults, metadata, error,
                    retryCount, messageRef);
        }
    }
}
