package io.perstack.sandbox.local;

import io.perstack.core.launch.ExitStatus;
import io.perstack.core.launch.LaunchedProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A child started by {@link LocalLauncher}; when {@code grouped}, its pid is also its process-group id. */
final class LocalProcess implements LaunchedProcess {
    private final Process process;
    private final boolean grouped;
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private final AtomicBoolean terminating = new AtomicBoolean();
    private final CompletableFuture<ExitStatus> exit;

    LocalProcess(Process process, boolean grouped, Duration timeout) {
        this.process = process;
        this.grouped = grouped;
        this.exit = process.onExit().thenApply(p -> {
            // Background children must not outlive the command: they would keep its pipes open and run on
            // unobserved. The group still exists while any member lives, so its id cannot have been reused.
            if (grouped) {
                Signals.group(p.pid(), Signals.SIGKILL);
            }
            return ExitStatus.fromExitValue(p.exitValue(), timedOut.get());
        });
        if (timeout != null) {
            CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (process.isAlive()) {
                    timedOut.set(true);
                    terminate();
                }
            });
        }
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return process.getErrorStream();
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    @Override
    public void terminate() {
        if (!process.isAlive() || !terminating.compareAndSet(false, true)) {
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
