package io.perstack.sandbox.bwrap;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts every sandbox from one long-lived platform thread. bubblewrap's {@code --die-with-parent} uses
 * {@code PR_SET_PDEATHSIG}, which fires when the <em>thread</em> that forked it ends, not the process: a sandbox
 * started from a virtual thread's carrier or a short-lived worker would be killed when that thread retires.
 */
final class Spawner {
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("perstack-sandbox-spawner").daemon(true).unstarted(r));

    private Spawner() {}

    static Process start(ProcessBuilder builder) throws IOException {
        Future<Process> started = THREAD.submit(builder::start);
        boolean interrupted = false;
        try {
            // Starting takes milliseconds; waiting it out keeps a started process from being left without owner.
            while (true) {
                try {
                    return started.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
