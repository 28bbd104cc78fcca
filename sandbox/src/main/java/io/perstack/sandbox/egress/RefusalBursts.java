package io.perstack.sandbox.egress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Coalesces connection-level failures of one sandboxed process, which come in floods, into a bounded number of
 * reports. The first failure of a kind opens a window and is reported at once (the caller emits its event); the
 * window's count becomes one warning line when it closes. A window lasts one second, and twice as long as the one
 * before (up to a minute) when failures resume right after it, so a flood that never stops costs about one event
 * and one line a minute instead of one per connection.
 */
final class RefusalBursts {
    static final Duration FIRST_WINDOW = Duration.ofSeconds(1);
    static final Duration LONGEST_WINDOW = Duration.ofMinutes(1);

    /** What failed, and how its warning line reads. */
    enum Kind {
        /** A connection the proxy closed at once. */
        REFUSED,
        /** An accept that failed; the connection stays in the kernel's queue and is tried again. */
        NOT_ACCEPTED
    }

    static {
        // Loaded now: the first failure may come when the runtime has no descriptor left to read a class file with.
        Window.class.getName();
        Kind.values();
    }

    private final String processName;
    private final Consumer<String> warnings;
    private final BiConsumer<Runnable, Duration> scheduler;
    // Guarded by this. One entry per kind and reason, kept after its window closes so the next window knows
    // whether the flood went on.
    private final Map<String, Window> windows = new HashMap<>();

    /**
     * @param processName the process named in the warnings
     * @param warnings    receives one line per closed window
     * @param scheduler   runs a task after a delay (the proxy's Jetty scheduler)
     */
    RefusalBursts(String processName, Consumer<String> warnings, BiConsumer<Runnable, Duration> scheduler) {
        this.processName = processName;
        this.warnings = warnings;
        this.scheduler = scheduler;
    }

    /**
     * Counts one failure.
     *
     * @return whether it opened a new window, so its event is due now
     */
    boolean count(Kind kind, String reason) {
        String key = kind.name() + '\n' + reason;
        Window opened;
        synchronized (this) {
            Window last = windows.get(key);
            if (last != null && last.open) {
                last.count++;
                return false;
            }
            long now = System.nanoTime();
            Duration length = last != null && now - last.closedAt < last.length.toNanos()
                    ? min(last.length.multipliedBy(2), LONGEST_WINDOW) : FIRST_WINDOW;
            opened = new Window(kind, reason, length);
            windows.put(key, opened);
        }
        scheduler.accept(() -> close(opened), opened.length);
        return true;
    }

    /** Reports every open window now: the process is gone, and its last burst must not be lost. */
    void flush() {
        List<Window> open = new ArrayList<>();
        synchronized (this) {
            windows.values().stream().filter(w -> w.open).forEach(open::add);
        }
        open.forEach(this::close);
    }

    private void close(Window window) {
        String line;
        synchronized (this) {
            if (!window.open) {
                return;
            }
            window.open = false;
            window.closedAt = System.nanoTime();
            String period = " in the last " + seconds(window.length) + " (" + window.reason + ")";
            line = switch (window.kind) {
                case REFUSED -> "egress proxy: refused " + window.count
                        + (window.count == 1 ? " connection" : " connections") + " from " + processName + period;
                case NOT_ACCEPTED -> "egress proxy: could not accept connections from " + processName + ", "
                        + window.count + (window.count == 1 ? " attempt" : " attempts") + period;
            };
        }
        warnings.accept(line);
    }

    private static String seconds(Duration length) {
        long s = Math.max(1, length.toSeconds());
        return s == 1 ? "second" : s + " seconds";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static final class Window {
        final Kind kind;
        final String reason;
        final Duration length;
        long count = 1;
        boolean open = true;
        long closedAt;

        Window(Kind kind, String reason, Duration length) {
            this.kind = kind;
            this.reason = reason;
            this.length = length;
        }
    }
}
