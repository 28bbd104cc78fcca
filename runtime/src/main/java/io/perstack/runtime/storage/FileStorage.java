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
    public void writeCheckpoint(Checkpoint checkpoint) {
        writer.writeCheckpoint(checkpoint);
    }

    @Override
    public void appendEvent(Event event) {
        writer.appendEvent(event);
    }

    @Override
    public void endRun(String jobId, String runId) {
        writer.endRun(jobId, runId);
    }

    @Override
    public void writeJob(Job job) {
        writer.writeJob(job);
    }

    @Override
    public void writeJobProgress(Job job) {
        writer.writeJobProgress(job);
    }

    @Override
    public void writeRunSetting(String jobId, String runId, Object storedForm) {
        writer.writeRunSetting(jobId, runId, storedForm);
    }

    @Override
    public JobLock lockJob(String jobId) {
        return locks.lock(jobId);
    }

    @Override
    public Optional<Job> readJob(String jobId) {
        return reader.readJob(jobId);
    }

    @Override
    public List<Job> readJobs() {
        return reader.readJobs();
    }

    @Override
    public List<StoredJob> listJobs() {
        return reader.listJobs();
    }

    @Override
    public Checkpoint readCheckpoint(String jobId, String checkpointId) {
        return reader.readCheckpoint(jobId, checkpointId);
    }

    @Override
    public List<Checkpoint> readCheckpoints(String jobId) {
        return reader.readCheckpoints(jobId);
    }

    @Override
    public List<String> listRunIds(String jobId) {
        return reader.listRunIds(jobId);
    }

    @Override
    public List<StoredRunSetting> readRunSettings() {
        return reader.readRunSettings();
    }

    @Override
    public List<EventMeta> readEventIndex(String jobId, String runId) {
        return reader.readEventIndex(jobId, runId);
    }

    @Override
    public List<Event> readEvents(String jobId, String runId, Integer maxStep) {
        return reader.readEvents(jobId, runId, maxStep);
    }

    @Override
    public List<Event> readRuntimeEvents(String jobId, String runId) {
        return reader.readRuntimeEvents(jobId, runId);
    }
}
