package io.perstack.sandbox.local;

import io.perstack.sandbox.WatchedProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A child started by {@link LocalLauncher}; when {@code grouped}, its pid is also its process-group id. */
final class LocalProcess extends WatchedProcess {
    private final boolean grouped;

    LocalProcess(Process process, boolean grouped, Duration timeout) {
        // Set first: the time limit may call terminate() before the super constructor returns.
        this.grouped = grouped;
        super(process, timeout, () -> {
            // Background children must not outlive the command: they would keep its pipes open and run on
            // unobserved. The group still exists while any member lives, so its id cannot have been reused.
            if (grouped) {
                Signals.group(process.pid(), Signals.SIGKILL);
            }
        });
    }

    @Override
    public void terminate() {
        if (!startTerminating()) {
            return;
        }
        // Taken before signalling: once a parent dies its children are re-parented and no longer found. This also
        // reaches descendants that left the process group with their own setsid.
        List<ProcessHandle> tree = process.descendants().toList();
        if (grouped) {
            Signals.group(process.pid(), Signals.SIGTERM);
        }
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        CompletableFuture.delayedExecutor(GRACE_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
            if (grouped && process.isAlive()) {
                Signals.group(process.pid(), Signals.SIGKILL);
            }
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
    }
}
