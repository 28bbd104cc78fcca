package io.perstack.runtime;

import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import io.perstack.runtime.storage.JobLock;

/**
 * Entry point for running Experts from the JVM (docs/runtime.md §17). The CLI is a client of this API like any
 * embedding application.
 */
public final class Perstack {
    private Perstack() {}

    /**
     * Runs a job: a fresh one, or a continuation when {@code checkpoint} is given. Holds the job's lock for the
     * duration; returns the coordinator's final checkpoint. Thrown failures mark an existing job
     * {@code stoppedByError}.
     */
    public static Checkpoint run(RunSetting setting, Checkpoint checkpoint, RunOptions options) {
        String jobId = setting.run().jobId();
        try (JobLock _ = options.storage().lockJob(jobId)) {
            Job existing = options.storage().readJob(jobId).orElse(null);
            JobRunner runner = new JobRunner(setting, options, existing);
            try {
                return runner.run(checkpoint);
            } catch (RuntimeException e) {
                // A cancelled job keeps status "running" at its last checkpoint (docs/runtime.md §16), even when the
                // interrupted work fails on its way out.
                if (!options.control().isCancelled()) {
                    runner.failed();
                }
                throw e;
            }
        }
    }
}
