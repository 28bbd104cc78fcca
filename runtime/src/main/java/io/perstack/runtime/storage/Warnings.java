package io.perstack.runtime.storage;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reports unreadable stored files on stderr, once per path per storage instance, so that a damaged history never
 * stops a reader and a reader polling the same file does not repeat itself.
 */
final class Warnings {
    private final Set<Path> reported = ConcurrentHashMap.newKeySet();

    void unreadable(Path path) {
        if (reported.add(path)) {
            // Looked up at report time so a redirected System.err (embedding, tests) receives it.
            System.err.println("Skipping unreadable " + io.perstack.core.policy.TerminalText.visible(String.valueOf(path)));
        }
    }
}
