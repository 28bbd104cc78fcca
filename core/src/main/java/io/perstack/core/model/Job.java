package io.perstack.core.model;

/** One user task and its totals (docs/runtime.md §1). */
public record Job(String id, JobStatus status, String coordinatorExpertKey, int totalSteps, Integer maxSteps,
                  Usage usage, long startedAt, Long finishedAt, Double estimatedCostUsd) {

    public Job withStatus(JobStatus s, Long finished) {
        return new Job(id, s, coordinatorExpertKey, totalSteps, maxSteps, usage, startedAt, finished, estimatedCostUsd);
    }

    public Job withProgress(int steps, Usage u, Double cost) {
        return new Job(id, status, coordinatorExpertKey, steps, maxSteps, u, startedAt, finishedAt, cost);
    }
}
