package io.perstack.cli.log;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * {@code --job} named a job that is not stored: the message names the id, where it was looked for and the stored
 * ids that look like it, so a typo is one copy away from fixed.
 */
final class JobNotFound extends NoSuchElementException {
    JobNotFound(String jobId, String storagePath, List<String> suggestions) {
        super("Job " + jobId + " not found in " + storagePath
                + (suggestions.isEmpty() ? "" : "\nDid you mean: " + String.join(", ", suggestions) + "?"));
    }
}
