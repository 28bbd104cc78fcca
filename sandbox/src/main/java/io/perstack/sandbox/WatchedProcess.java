package io.perstack.sandbox;

import io.perstack.core.launch.ExitStatus;
import io.perstack.core.launch.LaunchedProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every launcher's process shares: the pipes and pid of the started {@link Process}, its exit status (marked
 * as timed out when the time limit ended it), and the time limit itself, which calls {@link #terminate()} once. How a
 * process is terminated, and what is cleaned up when it exits, is the launcher's own.
 */
public abstract class WatchedProcess implements LaunchedProcess {
    protected final Process process;
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private final AtomicBoolean terminating = new AtomicBoolean();
    private final CompletableFuture<ExitStatus> exit;

    /**
     * Watches {@code process}: {@code onExit} runs once it has exited, before its status is reported; after
     * {@code timeout} (none when {@code null}) a process still alive is terminated.
     */
    protected WatchedProcess(Process process, Duration timeout, Runnable onExit) {
        this.process = process;
        this.exit = process.onExit().handle((p, error) -> {
            onExit.run();
            return ExitStatus.fromExitValue(process.exitValue(), timedOut.get());
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

    /** Whether {@link #terminate()} has work to do: the process is alive and this is the first call. */
    protected final boolean startTerminating() {
        return process.isAlive() && terminating.compareAndSet(false, true);
    }

    @Override
    public final long pid() {
        return process.pid();
    }

    @Override
    public final OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public final InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public final InputStream stderr() {
        return process.getErrorStream();
    }

    @Override
    public final CompletableFuture<ExitStatus> exit() {
        return exit;
    }
}
