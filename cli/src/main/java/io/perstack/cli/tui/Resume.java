package io.perstack.cli.tui;

/**
 * Where a run of the terminal UI starts: a new job ({@link #NEW}), the latest checkpoint of a job, or a chosen
 * checkpoint ({@code checkpointId}); with {@code answer}, the query is the answer to the pending interactive call.
 */
public record Resume(String jobId, String checkpointId, boolean answer) {
    public static final Resume NEW = new Resume(null, null, false);

    public boolean isNew() {
        return jobId == null;
    }
}
