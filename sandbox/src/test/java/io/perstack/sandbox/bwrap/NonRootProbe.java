package io.perstack.sandbox.bwrap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs in a JVM started as an unprivileged user by {@link NonRootSandboxTest}: prepares a sandbox the way a
 * non-root runtime does and prints what its processes see, one result per line.
 */
public final class NonRootProbe {
    private NonRootProbe() {}

    public static void main(String[] args) {
        Path ws = Path.of(args[0]);
        List<String> warnings = new ArrayList<>();
        try (Sandbox sandbox = Sandbox.prepare(new SandboxSettings("job-nonroot", ws, List.of(), List.of(),
                List.of(), null, List.of(), null, warnings::add, "/usr/bin:/bin"))) {
            System.out.println("limits " + sandbox.limits().describe());
            Sandboxes.Result status = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(60), "/bin/sh",
                    "-c", "grep -E '^(Uid|CapEff|Seccomp):' /proc/self/status; (: >> /proc/sys/kernel/core_pattern) "
                            + "2>/dev/null && echo sysctl-writable || echo sysctl-refused; touch /workspace/made");
            status.stdout().lines().forEach(l -> System.out.println("status " + l));
            Sandboxes.Result forks = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(60),
                    "/usr/bin/python3", "-c", Sandboxes.FORK_COUNTER);
            System.out.println("forks " + forks.out());
        }
        warnings.forEach(w -> System.out.println("warning " + w));
    }
}
