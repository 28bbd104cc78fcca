package io.perstack.runtime.storage;

import io.perstack.core.event.Event;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;

/**
 * The writing side of the history (docs/storage.md): what the runtime calls while it holds the job's lock. Whole
 * records are replaced ({@code write…}), logs only grow ({@code append…}), runs are opened and closed.
 *
 * <p>Write failures throw {@link java.io.UncheckedIOException}; they are fatal for the run and never swallowed.
 * Ids that are not safe path components throw {@link IllegalArgumentException} before any path is built.
 */
public interface StorageWriter {


    /**
     * Opens a run segment. {@code startingFrom} is the checkpoint the run continues (its history becomes the run's
     * base), or {@code null} / a checkpoint without messages for a fresh job or a delegated child.
     */
    void beginRun(String jobId, String runId, Checkpoint startingFrom);

    /** Persists a checkpoint given in wire form; durable when this returns (before its event is emitted). */
    void writeCheckpoint(Checkpoint checkpoint);

    /** Appends an event to its run; streaming deltas are ignored, runtime events go to their own file. */
    void appendEvent(Event event);

    /** Closes a run segment: everything written for it is durable when this returns. */
    void endRun(String jobId, String runId);

    /** Replaces the job record; durable when this returns. */
    void writeJob(Job job);

    /**
     * Replaces the job record as a progress update: atomic (a reader sees the old or the new record) but not forced
     * to disk, because the checkpoint it summarises already is. A crash may leave the previous record; the next
     * {@link #writeJob} (a status change, the end of the run) is durable again (docs/storage.md §2.1).
     */
    default void writeJobProgress(Job job) {
        writeJob(job);
    }

    /** Writes the run setting exactly as given; the caller passes a form without secrets (docs/storage.md §6). */
    void writeRunSetting(String jobId, String runId, Object storedForm);

    /**
     * Takes the job's exclusive writer lock.
     *
     * @throws JobInUseException when another process (or another job loop of this process) holds it
     */
    JobLock lockJob(String jobId);
}
