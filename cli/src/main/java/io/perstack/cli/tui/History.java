package io.perstack.cli.tui;

import java.util.List;

/** The job history as the terminal UI lists it; read when a list is opened, so it is always current. */
public interface History {

    /** Jobs, most recently started first. */
    List<JobRow> jobs();

    /** The job's checkpoints, newest (highest step) first. */
    List<CheckpointRow> checkpoints(String jobId);

    /** One job: {@code expertKey} is its coordinator, as stored (untrusted: shown through {@link Snippet}). */
    record JobRow(String jobId, String expertKey, int totalSteps, long startedAt) {}

    /** One checkpoint; {@code waiting} when it waits for an interactive answer (continuing it needs one). */
    record CheckpointRow(String checkpointId, String expertKey, int step, boolean waiting) {}
}
