package io.perstack.runtime.storage;

import io.perstack.core.id.Ids;
import java.nio.file.Path;

/**
 * The paths of docs/storage.md §1. Every id is validated before it becomes a path component, so no stored or
 * user-supplied id can reach outside its directory.
 */
record Layout(Path root) {
    static final String JOB_FILE = "job.json";
    static final String RUN_SETTING_FILE = "run-setting.json";
    static final String EVENTS_FILE = "events.jsonl";
    static final String RUNTIME_EVENTS_FILE = "runtime-events.jsonl";
    static final String MESSAGES_FILE = "messages.jsonl";
    static final String LOCK_FILE = ".lock";

    Path jobs() {
        return root.resolve("jobs");
    }

    Path job(String jobId) {
        return jobs().resolve(valid("job", jobId));
    }

    Path jobFile(String jobId) {
        return job(jobId).resolve(JOB_FILE);
    }

    Path checkpoints(String jobId) {
        return job(jobId).resolve("checkpoints");
    }

    Path checkpoint(String jobId, String checkpointId) {
        return checkpoints(jobId).resolve(valid("checkpoint", checkpointId) + ".json");
    }

    Path runs(String jobId) {
        return job(jobId).resolve("runs");
    }

    Path run(String jobId, String runId) {
        return runs(jobId).resolve(valid("run", runId));
    }

    static String valid(String kind, String id) {
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("Invalid " + kind + " id: " + printable(id));
        }
        return id;
    }

    /** Error messages end up on a terminal; an attacker-chosen id must not carry control characters there. */
    private static String printable(String id) {
        if (id == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(id.length(), 140) + 2).append('"');
        for (int i = 0; i < id.length() && i < 140; i++) {
            char c = id.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.append('"').toString();
    }
}
