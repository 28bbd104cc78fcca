package io.perstack.runtime.storage;

import io.perstack.core.event.Event;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import java.util.List;
import java.util.Optional;

/** Placeholder of the storage SPI; replaced by the storage work. */
public interface Storage {
    void beginRun(String jobId, String runId, Checkpoint startingFrom);

    void storeCheckpoint(Checkpoint checkpoint);

    void storeEvent(Event event);

    void endRun(String jobId, String runId);

    void storeJob(Job job);

    Optional<Job> retrieveJob(String jobId);

    List<Job> getAllJobs();

    void storeRunSetting(String jobId, String runId, Object storedForm);

    Checkpoint retrieveCheckpoint(String jobId, String checkpointId);

    List<Checkpoint> getCheckpointsByJobId(String jobId);

    AutoCloseable lockJob(String jobId);

    /** The job whose most recent run was updated last. */
    java.util.Optional<String> latestRunJobId();
}
