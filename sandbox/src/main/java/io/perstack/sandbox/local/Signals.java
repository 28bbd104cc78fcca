package io.perstack.sandbox.local;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * kill(2) through the FFM API. The JDK can only signal single processes it knows; a timed-out command's
 * grandchildren share its process group, and one {@code kill(-pgid, sig)} reaches them all without racing a
 * process-tree walk.
 */
final class Signals {
    static final int SIGTERM = 15;
    static final int SIGKILL = 9;

    private static final MethodHandle KILL = lookupKill();

    private Signals() {}

    static boolean available() {
        return KILL != null;
    }

    /** Sends {@code signal} to every process of group {@code pgid}; a vanished group is not an error. */
    static void group(long pgid, int signal) {
        // A pgid of 0 or 1 would address our own group or every process we may signal: never do that.
        if (KILL == null || pgid <= 1) {
            return;
        }
        try {
            int ignored = (int) KILL.invokeExact((int) -pgid, signal);
        } catch (Throwable e) {
            throw new IllegalStateException("kill failed", e);
        }
    }

    private static MethodHandle lookupKill() {
        String os = System.getProperty("os.name", "");
        if (os.startsWith("Windows")) {
            return null;
        }
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("kill")
                .map(symbol -> linker.downcallHandle(symbol,
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                .orElse(null);
    }
}
