package io.perstack.core.model;

/** Back-pointer from a delegated child's checkpoint to the parent that delegated to it. */
public record DelegatedBy(ExpertRef expert, String toolCallId, String toolName, String checkpointId, String runId) {}
