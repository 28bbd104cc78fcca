package io.perstack.runtime.storage;

import io.perstack.core.event.Event;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The filesystem backend of docs/storage.md: one directory per job under {@code <root>/jobs}, written by a
 * {@link FileHistoryWriter}, locked by {@link JobLocks} and read by a {@link FileHistoryReader}. The encoding is
 * described in {@code package-info.java}. Thread-safe.
 */
public final class FileStorage implements Storage {
    private final Layout layout;
    private final FileHistoryWriter writer;
    private final JobLocks locks;
    private final FileHistoryReader reader;

    public FileStorage(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        this.layout = new Layout(absolute);
        Disk disk = new Disk(absolute);
        this.writer = new FileHistoryWriter(layout, disk);
        this.locks = new JobLocks(layout, disk);
        this.reader = new FileHistoryReader(layout);
    }

    public Path root() {
        return layout.root();
    }

    @Override
    public void beginRun(String jobId, String runId, Checkpoint startingFrom) {
        writer.beginRun(jobId, runId, startingFrom);
    }

    @Override
    public void storeCheckpoint(Checkpoint checkpoint) {
        writer.storeCheckpoint(checkpoint);
    }

    @Override
    public void storeEvent(Event event) {
        writer.storeEvent(event);
    }

    @Override
    public void endRun(String jobId, String runId) {
        writer.endRun(jobId, runId);
    }

    @Override
    public void storeJob(Job job) {
        writer.storeJob(job);
    }

    @Override
    public void storeRunSetting(String jobId, String runId, Object storedForm) {
        writer.storeRunSetting(jobId, runId, storedForm);
    }

    @Override
    public JobLock lockJob(String jobId) {
        return locks.lock(jobId);
    }

    @Override
    public Optional<Job> retrieveJob(String jobId) {
        return reader.retrieveJob(jobId);
    }

    @Override
    public List<Job> getAllJobs() {
        return reader.getAllJobs();
    }

    @Override
    public List<StoredJob> listJobs() {
        return reader.listJobs();
    }

    @Override
    public Checkpoint retrieveCheckpoint(String jobId, String checkpointId) {
        return reader.retrieveCheckpoint(jobId, checkpointId);
    }

    @Override
    public List<Checkpoint> getCheckpointsByJobId(String jobId) {
        return reader.getCheckpointsByJobId(jobId);
    }

    @Override
    public List<String> runIds(String jobId) {
        return reader.runIds(jobId);
    }

    @Override
    public List<StoredRunSetting> getAllRuns() {
        return reader.getAllRuns();
    }

    @Override
    public List<EventMeta> getEventsByRun(String jobId, String runId) {
        return reader.getEventsByRun(jobId, runId);
    }

    @Override
    public List<Event> getEventContents(String jobId, String runId, Integer maxStep) {
        return reader.getEventContents(jobId, runId, maxStep);
    }

    @Override
    public List<Event> getRuntimeEvents(String jobId, String runId) {
        return reader.getRuntimeEvents(jobId, runId);
    }
}
