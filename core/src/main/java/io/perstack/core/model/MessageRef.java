package io.perstack.core.model;

/**
 * Reference into the append-only message log (docs/storage.md §5): the history of {@code (runId, count)} is the base
 * history of {@code runId} followed by the first {@code count - |base|} messages that run appended.
 */
public record MessageRef(String runId, int count) {}
