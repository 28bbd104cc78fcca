package io.perstack.cli;

import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM cancel the run instead of killing the JVM, so skills are closed and storage flushed before the
 * process exits with 130 or 143 (docs/runtime.md §16).
 */
final class Signals {
    private Signals() {}

    static void onInterrupt(IntConsumer cancelWithExitCode) {
        handle("INT", ExitCodes.SIGINT, cancelWithExitCode);
        handle("TERM", ExitCodes.SIGTERM, cancelWithExitCode);
    }

    private static void handle(String name, int code, IntConsumer action) {
        try {
            Signal.handle(new Signal(name), s -> action.accept(code));
        } catch (IllegalArgumentException unsupported) {
            // The platform does not deliver this signal; the default handling stays.
        }
    }
}
