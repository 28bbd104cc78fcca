package io.perstack.cli.log;

import io.perstack.cli.text.CloseMatches;
import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.event.Event;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
import io.perstack.runtime.storage.Storage;
import io.perstack.runtime.storage.StoredRunSetting;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds what {@code log} is asked about, in the resolution order of docs/cli.md §5: {@code --checkpoint}, then
 * {@code --run}, then {@code --job}, else the latest job. Reads only; takes no lock.
 */
final class LogSource {
    private final Storage storage;
    private final String storagePath;

    LogSource(Storage storage, String storagePath) {
        this.storage = storage;
        this.storagePath = storagePath;
    }

    /**
     * The view, or empty when no job was named and none is stored ({@code No data found}).
     *
     * @throws JobNotFound when {@code jobId} names no stored job
     */
    Optional<LogView> read(String jobId, String runId, String checkpointId, EventQuery query) {
        requireId("job", jobId);
        requireId("run", runId);
        requireId("checkpoint", checkpointId);
        boolean latest = jobId == null;
        Job job = latest ? latestJob() : job(jobId);
        if (job == null && !latest) {
            throw new JobNotFound(jobId, storagePath,
                    CloseMatches.of(jobId, storage.listJobs().stream().map(Storage.StoredJob::jobId).toList()));
        }
        if (job == null) {
            return Optional.empty();
        }
        if (checkpointId != null) {
            Checkpoint checkpoint = storage.readCheckpoint(job.id(), checkpointId);
            return Optional.of(view(job, wire(checkpoint), List.of(), List.of(),
                    storage.readEvents(job.id(), checkpoint.runId(), null), query, latest));
        }
        if (runId != null) {
            return Optional.of(view(job, null, List.of(), List.of(), storage.readEvents(job.id(), runId, null),
                    query, latest));
        }
        List<Event> events = new ArrayList<>();
        for (String run : storage.listRunIds(job.id())) {
            events.addAll(storage.readEvents(job.id(), run, null));
        }
        // Stable: events of one run keep their stored order when timestamps tie.
        events.sort(Comparator.comparingLong(Event::timestamp));
        if (latest) {
            return Optional.of(view(job, null, List.of(), List.of(), events, query, true));
        }
        List<Checkpoint> checkpoints = storage.readCheckpoints(job.id()).stream().map(LogSource::wire)
                .toList();
        List<JsonNode> runs = storage.readRunSettings().stream().filter(r -> r.jobId().equals(job.id()))
                .sorted(Comparator.comparingLong(StoredRunSetting::startedAt))
                .map(r -> (JsonNode) r.setting()).toList();
        return Optional.of(view(job, null, checkpoints, runs, events, query, false));
    }

    private LogView view(Job job, Checkpoint checkpoint, List<Checkpoint> checkpoints, List<JsonNode> runs,
                         List<Event> events, EventQuery query, boolean latest) {
        EventQuery.Selection selection = query.select(events);
        List<JsonNode> shown = selection.shown().stream().map(e -> (JsonNode) Json.mapper().valueToTree(e)).toList();
        return new LogView(job, checkpoint, checkpoints, runs, shown, selection.matched(),
                selection.matchedAfterPagination(), selection.summary(), latest, storagePath);
    }

    /** The latest job by start time; without any job record, the most recently modified job directory. */
    private Job latestJob() {
        List<Job> jobs = storage.readJobs();
        if (!jobs.isEmpty()) {
            return jobs.getFirst();
        }
        for (Storage.StoredJob stored : storage.listJobs()) {
            Job job = job(stored.jobId());
            if (job != null) {
                return job;
            }
        }
        return null;
    }

    /** The job record, or one put together from the job's checkpoints when {@code job.json} is missing. */
    private Job job(String jobId) {
        Optional<Job> stored = storage.readJob(jobId);
        if (stored.isPresent()) {
            return stored.get();
        }
        List<Checkpoint> checkpoints = storage.readCheckpoints(jobId);
        if (checkpoints.isEmpty()) {
            return null;
        }
        Checkpoint first = checkpoints.getFirst();
        Checkpoint last = checkpoints.getLast();
        long startedAt = storage.listJobs().stream().filter(j -> j.jobId().equals(jobId))
                .mapToLong(Storage.StoredJob::modifiedAt).findFirst().orElse(0);
        return new Job(jobId, last.status() == CheckpointStatus.COMPLETED ? JobStatus.COMPLETED : JobStatus.RUNNING,
                first.expert().key(), last.stepNumber(), null, last.usage(), startedAt, null, null);
    }

    /** The compatible wire form: the storage-internal reference to the message log is not part of it. */
    private static Checkpoint wire(Checkpoint checkpoint) {
        return checkpoint.toBuilder().messageRef(null).build();
    }

    private static void requireId(String what, String id) {
        if (id != null && !Ids.isValid(id)) {
            throw new IllegalArgumentException("Invalid " + what + " id: " + id);
        }
    }
}
