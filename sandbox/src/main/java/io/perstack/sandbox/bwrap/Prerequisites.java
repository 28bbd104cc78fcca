package io.perstack.sandbox.bwrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The checks of docs/isolation.md §2 that run before a job starts: bubblewrap can create the namespaces we ask for, and
 * the network forwarder exists and can listen inside a sandbox. Each probe is a real, tiny sandbox, because only
 * that shows what the kernel and its security modules allow; results are kept per bubblewrap binary.
 */
public final class Prerequisites {
    private static final String USERNS_ADVICE = "Allow unprivileged user namespaces for bwrap (an AppArmor profile "
            + "for bwrap, or sysctl kernel.apparmor_restrict_unprivileged_userns=0),\nor choose a runtime "
            + "explicitly: --runtime docker (needs Docker) or --runtime local (no isolation).";
    /**
     * Process-wide on purpose, like {@code BwrapFeatures}: the probe starts a sandbox, its outcome depends on the binary
     * and the kernel, not on a job, and there is one entry per bubblewrap path.
     */
    private static final Map<Path, String> RESULTS = new ConcurrentHashMap<>();

    private Prerequisites() {}

    /**
     * Throws {@link SandboxUnavailable} with the documented message when the sandbox cannot work with this
     * bubblewrap.
     */
    public static void check(Path bwrap) {
        String problem = RESULTS.computeIfAbsent(bwrap, Prerequisites::probe);
        if (!problem.isEmpty()) {
            throw new SandboxUnavailable(problem);
        }
    }

    private static String probe(Path bwrap) {
        String helperProblem = HelperBinary.problem();
        if (helperProblem != null) {
            return "The sandbox network forwarder is not available: " + helperProblem;
        }
        String seccompProblem = SeccompFilter.problem();
        if (seccompProblem != null) {
            return "The sandbox seccomp filter is not available: " + seccompProblem;
        }
        BwrapFeatures features = BwrapFeatures.of(bwrap);
        List<String> base = new ArrayList<>(List.of(bwrap.toString(), "--unshare-all", "--unshare-user"));
        if (features.disableUserns()) {
            base.add("--disable-userns");
        }
        base.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr"));
        for (String dir : List.of("/bin", "/sbin", "/lib", "/lib64")) {
            Path host = Path.of(dir);
            try {
                if (Files.isSymbolicLink(host)) {
                    base.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), dir));
                } else if (Files.isDirectory(host)) {
                    base.addAll(List.of("--ro-bind", dir, dir));
                }
            } catch (IOException e) {
                // a link that cannot be read is left out of the probe as it is left out of sandboxes
            }
        }
        base.addAll(List.of("--proc", "/proc", "--dev", "/dev"));

        List<String> namespaces = new ArrayList<>(base);
        namespaces.addAll(List.of("--", "/usr/bin/true"));
        Outcome plain = run(namespaces);
        if (plain.code() != 0) {
            return "bubblewrap cannot create namespaces on this system: " + plain.stderr().strip() + "\n"
                    + USERNS_ADVICE;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("perstack-probe-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path helper = HelperBinary.install(dir);
            List<String> forwarder = new ArrayList<>(base);
            forwarder.addAll(List.of("--ro-bind", helper.toString(), Sandbox.HELPER, "--", Sandbox.HELPER,
                    "forward", Sandbox.SOCKET, "--", "/usr/bin/true"));
            Outcome forwarded = run(forwarder);
            if (forwarded.code() != 0) {
                return "The sandbox network forwarder is not available: " + forwarded.stderr().strip();
            }
            return "";
        } catch (IOException | SandboxUnavailable e) {
            return e instanceof SandboxUnavailable ? e.getMessage()
                    : "The sandbox network forwarder is not available: " + e.getMessage();
        } finally {
            if (dir != null) {
                Sandbox.deleteTree(dir);
            }
        }
    }

    private record Outcome(int code, String stderr) {}

    private static Outcome run(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            Process p = Spawner.start(builder);
            p.getOutputStream().close();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(-1, "the probe did not finish within 30 s");
            }
            return new Outcome(p.exitValue(), err);
        } catch (IOException e) {
            return new Outcome(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        }
    }
}
