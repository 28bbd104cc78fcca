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

    @Override public void storeCheckpoint(Checkpoint checkpoint) { checkpoints.add(checkpoint); }
    @Override public void storeEvent(Event event) { events.add(event); }
    @Override public void beginRun(String jobId, String runId, Checkpoint startingFrom) { }
    @Override public void endRun(String jobId, String runId) { }
    @Override public void storeJob(Job job) { }
    @Override public void storeRunSetting(String jobId, String runId, Object storedForm) { }
    @Override public JobLock lockJob(String jobId) { throw new UnsupportedOperationException(); }
    @Override public Optional<Job> retrieveJob(String jobId) { throw new UnsupportedOperationException(); }
    @Override public List<Job> getAllJobs() { throw new UnsupportedOperationException(); }
    @Override public List<StoredJob> listJobs() { throw new UnsupportedOperationException(); }
    @Override public Checkpoint retrieveCheckpoint(String jobId, String id) { throw new UnsupportedOperationException(); }
    @Override public List<Checkpoint> getCheckpointsByJobId(String jobId) { throw new UnsupportedOperationException(); }
    @Override public List<String> runIds(String jobId) { throw new UnsupportedOperationException(); }
    @Override public List<StoredRunSetting> getAllRuns() { throw new UnsupportedOperationException(); }
    @Override public List<EventMeta> getEventsByRun(String jobId, String runId) { throw new UnsupportedOperationException(); }
    @Override public List<Event> getEventContents(String jobId, String runId, Integer maxStep) { throw new UnsupportedOperationException(); }
    @Override public List<Event> getRuntimeEvents(String jobId, String runId) { throw new UnsupportedOperationException(); }
}
