package io.perstack.runtime.loop;

import io.perstack.core.event.Event;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import io.perstack.runtime.storage.EventMeta;
import io.perstack.runtime.storage.JobLock;
import io.perstack.runtime.storage.Storage;
import io.perstack.runtime.storage.StoredRunSetting;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the loop writes in memory; the loop never reads, so reading is unsupported. */
final class MemoryStorage implements Storage {
    final List<Checkpoint> checkpoints = new CopyOnWriteArrayList<>();
    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override public void writeCheckpoint(Checkpoint checkpoint) { checkpoints.add(checkpoint); }
    @Override public void appendEvent(Event event) { events.add(event); }
    @Override public void beginRun(String jobId, String runId, Checkpoint startingFrom) { }
    @Override public void endRun(String jobId, String runId) { }
    @Override public void writeJob(Job job) { }
    @Override public void writeRunSetting(String jobId, String runId, Object storedForm) { }
    @Override public JobLock lockJob(String jobId) { throw new UnsupportedOperationException(); }
    @Override public Optional<Job> readJob(String jobId) { throw new UnsupportedOperationException(); }
    @Override public List<Job> readJobs() { throw new UnsupportedOperationException(); }
    @Override public List<StoredJob> listJobs() { throw new UnsupportedOperationException(); }
    @Override public Checkpoint readCheckpoint(String jobId, String id) { throw new UnsupportedOperationException(); }
    @Override public List<Checkpoint> readCheckpoints(String jobId) { throw new UnsupportedOperationException(); }
    @Override public List<String> listRunIds(String jobId) { throw new UnsupportedOperationException(); }
    @Override public List<StoredRunSetting> readRunSettings() { throw new UnsupportedOperationException(); }
    @Override public List<EventMeta> readEventIndex(String jobId, String runId) { throw new UnsupportedOperationException(); }
    @Override public List<Event> readEvents(String jobId, String runId, Integer maxStep) { throw new UnsupportedOperationException(); }
    @Override public List<Event> readRuntimeEvents(String jobId, String runId) { throw new UnsupportedOperationException(); }
}
