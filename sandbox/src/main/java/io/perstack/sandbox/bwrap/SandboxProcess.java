package io.perstack.sandbox.bwrap;

import io.perstack.sandbox.WatchedProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One sandbox as seen from the runtime: the outer bubblewrap process, whose exit status is the command's. The
 * sandbox's own PID namespace ends with its first process, so when the command exits nothing it started survives,
 * and killing the outer process kills the whole sandbox through {@code --die-with-parent}.
 */
final class SandboxProcess extends WatchedProcess {
    /** {@code cleanup} runs when the outer process has exited. */
    SandboxProcess(Process outer, Duration timeout, Runnable cleanup) {
        super(outer, timeout, cleanup);
    }

    /**
     * SIGTERM to every process inside (the helper passes it on to the command), leaving the helper's monitor and
     * bubblewrap's own two processes alone: signalling them would tear the sandbox down at once, without the grace period. After
     * {@link #GRACE_MILLIS} the outer process gets SIGKILL, which takes the whole sandbox with it.
     */
    @Override
    public void terminate() {
        if (!startTerminating()) {
            return;
        }
        Process outer = process;
        // The helper's monitor (outer), bubblewrap under it, and bubblewrap's init: the sandbox's frame.
        List<ProcessHandle> bubblewrap = new java.util.ArrayList<>(outer.children().toList());
        bubblewrap.addAll(bubblewrap.stream().flatMap(ProcessHandle::children).toList());
        List<ProcessHandle> inside = outer.descendants().filter(h -> !bubblewrap.contains(h)).toList();
        if (inside.isEmpty()) {
            outer.destroyForcibly();
            return;
        }
        inside.forEach(ProcessHandle::destroy);
        CompletableFuture.delayedExecutor(GRACE_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
            if (outer.isAlive()) {
                outer.destroyForcibly();
                outer.descendants().forEach(ProcessHandle::destroyForcibly);
            }
        });
    }
}
