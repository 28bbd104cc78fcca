package io.perstack.cli.tui;

import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.runtime.storage.Storage;
import java.util.ArrayList;
import java.util.List;

/** The history kept in storage, as the terminal UI lists it. */
public record StoredHistory(Storage storage) implements History {

    @Override
    public List<JobRow> jobs() {
        return storage.readJobs().stream()
                .map(j -> new JobRow(j.id(), j.coordinatorExpertKey(), j.totalSteps(), j.startedAt())).toList();
    }

    /** Only the coordinator's checkpoints: a delegated run cannot be continued on its own. */
    @Override
    public List<CheckpointRow> checkpoints(String jobId) {
        List<CheckpointRow> rows = new ArrayList<>();
        for (Checkpoint c : storage.readCheckpoints(jobId)) {
            if (c.delegatedBy() == null && c.expert() != null) {
                rows.add(new CheckpointRow(c.id(), c.expert().key(), c.stepNumber(),
                        c.status() == CheckpointStatus.STOPPED_BY_INTERACTIVE_TOOL
                                || c.status() == CheckpointStatus.STOPPED_BY_DELEGATE));
            }
        }
        return rows.reversed();
    }
}
