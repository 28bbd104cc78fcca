package io.perstack.runtime.storage;

import io.perstack.core.event.Event;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import java.util.List;
import java.util.Optional;

/**
 * The reading side of the history (docs/storage.md): what {@code log}, the terminal UI and embedding callers use,
 * without a lock. Every checkpoint and event handed out is in wire form: histories stored by reference are expanded.
 * {@code read…} returns content, {@code list…} returns what exists.
 */
public interface StorageReader {
    Optional<Job> readJob(String jobId);

    /** All readable jobs, most recently started first. */
    List<Job> readJobs();

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
    Checkpoint readCheckpoint(String jobId, String checkpointId);

    /** All readable checkpoints of a job in wire form, by step number (ties by file modification time). */
    List<Checkpoint> readCheckpoints(String jobId);

    /** The job's run ids in start order. */
    List<String> listRunIds(String jobId);

    /** The stored run settings of every job, most recently updated first. */
    List<StoredRunSetting> readRunSettings();

    /** Type, step and time of each stored event of a run, in file order. */
    List<EventMeta> readEventIndex(String jobId, String runId);

    /** The run's stored events in wire form and file order; with {@code maxStep}, only those up to that step. */
    List<Event> readEvents(String jobId, String runId, Integer maxStep);

    /** The run's runtime events (skill lifecycle, Docker, proxy) in file order. */
    List<Event> readRuntimeEvents(String jobId, String runId);
}
