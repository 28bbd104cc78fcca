package io.perstack.runtime.loop;

import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Step;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancellation and the optional {@code shouldContinueRun} hook. Cancelling interrupts every thread currently running
 * a loop so in-flight generations and waits end promptly.
 */
public final class RunControl {
    /** Decides after each event whether the run goes on; {@code false} stops it where it is. */
    @FunctionalInterface
    public interface ContinueHook {
        boolean shouldContinue(Checkpoint checkpoint, Step step);
    }

    /** How a retry's wait is spent; a test passes one that records the wait instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final ContinueHook hook;
    private final Sleeper sleeper;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private final Set<Runnable> onCancel = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    public RunControl(ContinueHook hook) {
        this(hook, Thread::sleep);
    }

    RunControl(ContinueHook hook, Sleeper sleeper) {
        this.hook = hook;
        this.sleeper = sleeper;
    }

    public static RunControl none() {
        return new RunControl(null);
    }

    public void cancel() {
        cancelled = true;
        running.forEach(Thread::interrupt);
        onCancel.forEach(Runnable::run);
    }

    /**
     * Runs {@code action} when the run is cancelled (at once if it already is): for work that an interrupt does not
     * reach, such as processes in a sandbox that a tool call is waiting for.
     */
    public void onCancel(Runnable action) {
        onCancel.add(action);
        if (cancelled) {
            action.run();
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Whether a continue hook may stop the run between steps. */
    boolean hasHook() {
        return hook != null;
    }

    boolean shouldContinue(Checkpoint checkpoint, Step step) {
        return !cancelled && (hook == null || hook.shouldContinue(checkpoint, step));
    }

    void enter() {
        running.add(Thread.currentThread());
        if (cancelled) {
            Thread.currentThread().interrupt();
        }
    }

    void leave() {
        running.remove(Thread.currentThread());
        Thread.interrupted();
    }

    /** Sleeps unless cancelled; returns {@code false} when the wait was cut short by cancellation. */
    boolean pause(long millis) {
        if (millis <= 0) {
            return !cancelled;
        }
        try {
            sleeper.sleep(millis);
            return !cancelled;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
