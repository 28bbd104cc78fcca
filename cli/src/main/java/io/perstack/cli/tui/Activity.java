package io.perstack.cli.tui;

/**
 * One entry of the append-only activity log. Texts are already short and terminal-safe ({@link Snippet}); {@code
 * depth} is the run's depth in the Expert tree.
 */
public sealed interface Activity {
    int depth();

    /** A run began: the coordinator's first run, a continuation, or a delegated child. */
    record RunStarted(int depth, String expertKey, String query) implements Activity {}

    record ToolCalled(int depth, String toolName, String args) implements Activity {}

    record ToolAnswered(int depth, String toolName, String firstLine, boolean error) implements Activity {}

    record Retried(int depth, String reason) implements Activity {}

    record RunCompleted(int depth, String expertKey, java.util.List<String> text) implements Activity {}

    record RunStopped(int depth, String expertKey, String why) implements Activity {}

    record RunFailed(int depth, String expertKey, String error) implements Activity {}
}
