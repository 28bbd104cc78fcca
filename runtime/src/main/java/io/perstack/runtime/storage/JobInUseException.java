package io.perstack.runtime.storage;

/** Another writer holds the job (docs/storage.md §7). */
public final class JobInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String jobId;

    public JobInUseException(String jobId) {
        super("Job " + jobId + " is in use by another process");
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }
}
