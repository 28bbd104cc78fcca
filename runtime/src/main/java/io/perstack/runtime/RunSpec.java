package io.perstack.runtime;

import io.perstack.core.id.Ids;

/**
 * One run segment of a job (docs/runtime.md §2): which job and run it is, which Expert runs, with what input, and
 * when it started. Each delegation, return and resume is a new segment of the same job.
 */
public record RunSpec(String jobId, String runId, String expertKey, RunInput input, long startedAt) {

    /** The next segment of this job, starting now under a fresh run id. */
    public RunSpec next(String nextExpertKey, RunInput nextInput) {
        return next(Ids.next(), nextExpertKey, nextInput, System.currentTimeMillis());
    }

    /** The next segment of this job under {@code nextRunId}, started at {@code now}. */
    public RunSpec next(String nextRunId, String nextExpertKey, RunInput nextInput, long now) {
        return new RunSpec(jobId, nextRunId, nextExpertKey, nextInput, now);
    }
}
