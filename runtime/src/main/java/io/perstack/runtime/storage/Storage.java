package io.perstack.runtime.storage;

import io.perstack.core.event.Event;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import java.util.List;
import java.util.Optional;

/**
 * Where a job's history is kept (docs/storage.md). The runtime writes through the first group of methods while it holds
 * the job's lock; readers ({@code log}, {@code serve}) use the second group without a lock. Every checkpoint and
 * event handed out is in wire form: histories stored by reference are expanded.
 *
 * <p>Write failures throw {@link java.io.UncheckedIOException}; they are fatal for the run and never swallowed.
 * Ids that are not safe path components throw {@link IllegalArgumentException} before any path is built.
 */
public interface Storage {

    // ---------------------------------------------------------------- writing

    /**
     * Opens a run segment. {@code startingFrom} is the checkpoint the run continues (its history becomes the run's
     * base), or {@code null} / a checkpoint without messages for a fresh job or a delegated child.
     */
    void beginRun(String jobId, String runId, Checkpoint startingFrom);

    /** Persists a checkpoint given in wire form; durable when this returns (before its event is emitted). */
    void storeCheckpoint(Checkpoint checkpoint);

    /** Appends an event to its run; streaming deltas are ignored, runtime events go to their own file. */
    void storeEvent(Event event);

    /** Closes a run segment: everything written for it is durable when this returns. */
    void endRun(String jobId, String runId);

    void storeJob(Job job);

    /** Writes the run setting exactly as given; the caller passes a form without secrets (docs/storage.md §6). */
    void storeRunSetting(String jobId, String runId, Object storedForm);

    /**
     * Takes the job's exclusive writer lock.
     *
     * @throws JobInUseException when another process (or another job loop of this process) holds it
     */
    JobLock lockJob(String jobId);

    // ---------------------------------------------------------------- reading

    Optional<Job> retrieveJob(String jobId);

    /** All readable jobs, most recently started first. */
    List<Job> getAllJobs();

    /**
     * Every stored job, with or without a readable job record, most recently modified first: readers fall back to
     * it for histories whose {@code job.json} is missing (docs/cli.md §5).
     */
    List<StoredJob> listJobs();

    /** A job directory as found: its id and when it last changed (epoch milliseconds). */
    record StoredJob(String jobId, long modifiedAt) {}

    /**
     * The checkpoint in wire form, with {@code messageRef} still naming where its history lives.
     *
     * @throws java.util.NoSuchElementException {@code Checkpoint <id> not found in job <jobId>}
     */
    Checkpoint retrieveCheckpoint(String jobId, String checkpointId);

    /** All readable checkpoints of a job in wire form, by step number (ties by file modification time). */
    List<Checkpoint> getCheckpointsByJobId(String jobId);

    /** The job's run ids in start order. */
    List<String> runIds(String jobId);

    /** The stored run settings of every job, most recently updated first. */
    List<StoredRunSetting> getAllRuns();

    /** Type, step and time of each stored event of a run, in file order. */
    List<EventMeta> getEventsByRun(String jobId, String runId);

    /** The run's stored events in wire form and file order; with {@code maxStep}, only those up to that step. */
    List<Event> getEventContents(String jobId, String runId, Integer maxStep);

    /** The run's runtime events (skill lifecycle, Docker, proxy) in file order. */
    List<Event> getRuntimeEvents(String jobId, String runId);
}
