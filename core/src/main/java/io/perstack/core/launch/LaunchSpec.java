package io.perstack.core.launch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What to start.
 *
 * @param command     program followed by its arguments; no shell ever parses them
 * @param cwd         working directory as the backend's processes see it (the host path for {@code local})
 * @param environment the complete environment, built from scratch (see {@link EnvironmentPolicy}); nothing is
 *                    inherited from the runtime
 * @param timeout     wall-clock limit after which the whole process group is terminated; {@code null} for none
 *                    (long-lived MCP servers). Capped at {@link #MAX_TIMEOUT}.
 * @param stdin       whether the caller writes to the process's stdin or it reads {@code /dev/null}
 * @param readOnly    host directories the process must be able to read (a skill's cached package install), shown
 *                    by isolating backends read-only at the same path; set only by the runtime, never from model
 *                    or configuration input
 */
public record LaunchSpec(List<String> command, Path cwd, Map<String, String> environment, Duration timeout,
                         Stdin stdin, List<Path> readOnly) {
    /** The default of {@code exec} when the model gives no timeout (SR-17). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** No launched process may run longer than this with a timeout (SR-17). */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    public enum Stdin { NULL, PIPE }

    public LaunchSpec {
        command = List.copyOf(command);
        if (command.isEmpty() || command.getFirst().isEmpty()) {
            throw new IllegalArgumentException("command must name a program");
        }
        // A NUL byte would silently cut an argument short when it becomes a C string.
        for (String part : command) {
            if (part.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("command contains a NUL character");
            }
        }
        Objects.requireNonNull(cwd, "cwd");
        TreeMap<String, String> env = new TreeMap<>();
        environment.forEach((k, v) -> {
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment entry " + k);
            }
            env.put(k, v);
        });
        environment = Collections.unmodifiableMap(env);
        if (timeout != null) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            if (timeout.compareTo(MAX_TIMEOUT) > 0) {
                timeout = MAX_TIMEOUT;
            }
        }
        stdin = stdin == null ? Stdin.NULL : stdin;
        readOnly = readOnly == null ? List.of() : List.copyOf(readOnly);
        for (Path dir : readOnly) {
            if (!dir.isAbsolute()) {
                throw new IllegalArgumentException("read-only path must be absolute: " + dir);
            }
        }
    }

    /** Without read-only directories: what every launch but a cached skill package needs. */
    public LaunchSpec(List<String> command, Path cwd, Map<String, String> environment, Duration timeout,
                      Stdin stdin) {
        this(command, cwd, environment, timeout, stdin, List.of());
    }

    /** The same launch running {@code other} instead, with {@code dirs} readable. */
    public LaunchSpec withCommand(List<String> other, List<Path> dirs) {
        return new LaunchSpec(other, cwd, environment, timeout, stdin, dirs);
    }

    public String program() {
        return command.getFirst();
    }

    public List<String> arguments() {
        return command.subList(1, command.size());
    }

    /** Values are omitted so a spec can be logged without leaking a {@code requiredEnv} secret (SR-15). */
    @Override
    public String toString() {
        return "LaunchSpec[command=" + command + ", cwd=" + cwd + ", environment=" + environment.keySet()
                + ", timeout=" + timeout + ", stdin=" + stdin + ", readOnly=" + readOnly + "]";
    }
}
