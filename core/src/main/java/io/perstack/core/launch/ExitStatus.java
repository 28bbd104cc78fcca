package io.perstack.core.launch;

import java.util.List;

/**
 * How a launched process ended.
 *
 * @param code     exit code, or {@code 128 + n} when killed by signal {@code n}
 * @param signal   the signal name ({@code SIGKILL}) when the process was killed by a signal, else {@code null}
 * @param timedOut whether the launcher killed it because its {@link LaunchSpec#timeout()} expired
 */
public record ExitStatus(int code, String signal, boolean timedOut) {
    private static final List<String> SIGNALS = List.of("SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
            "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
            "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
            "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS");

    /**
     * Interprets the JDK's exit value on Linux, which reports death by signal {@code n} as {@code 0x80 + n}. A
     * program that itself exits with such a code looks the same; shells read it the same way, so we do too.
     */
    public static ExitStatus fromExitValue(int value, boolean timedOut) {
        int signo = value - 128;
        String name = signo >= 1 && signo <= SIGNALS.size() ? SIGNALS.get(signo - 1) : null;
        return new ExitStatus(value, name, timedOut);
    }

    public boolean success() {
        return code == 0 && !timedOut;
    }
}
