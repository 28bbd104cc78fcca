package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same protections for a runtime that is not root (docs/sandbox.md §2, §5): the test, running as root, starts
 * a JVM as the unprivileged user {@code nobody} with a copy of its class path that user may read.
 */
class NonRootSandboxTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    @Test
    void aNonRootRuntimesSandboxIsUnprivilegedFilteredAndProcessCappedWithoutCgroups() throws Exception {
        assumeTrue(Sandbox.runsAsRoot(), "starting a JVM as another user needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) switches the user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 counts the processes");
        Path cp = Files.createDirectory(dir.resolve("cp"));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (Path entry : classPath()) {
            Path copy = cp.resolve((n++) + "-" + entry.getFileName());
            if (Files.isDirectory(entry)) {
                copyTree(entry, copy);
            } else {
                Files.copy(entry, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            entries.add(copy.toString());
        }
        Path ws = Files.createDirectory(dir.resolve("ws"));
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        openUp(dir);
        for (Path own : List.of(ws, tmp)) {
            Files.setAttribute(own, "unix:uid", NOBODY);
            Files.setAttribute(own, "unix:gid", NOBODY);
        }

        ProcessBuilder builder = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-Duser.home=/nonexistent", "-cp", String.join(":", entries),
                NonRootProbe.class.getName(), ws.toString()).redirectErrorStream(true);
        builder.environment().put("PATH", "/usr/bin:/bin");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(out).as(out).contains("limits rlimits", "status Uid:\t1000", "status CapEff:\t0000000000000000",
                "status Seccomp:\t2", "status sysctl-refused", ResourceLimits.BEST_EFFORT_WARNING);
        int forks = Integer.parseInt(out.lines().filter(l -> l.startsWith("forks ")).findFirst().orElseThrow()
                .substring(6).trim());
        if (ResourceLimits.kernelAtLeast(System.getProperty("os.version"), 5, 14)) {
            assertThat(forks).isLessThan(ResourceLimits.MAX_PIDS).isGreaterThan(100);
        }
        // Files the sandbox creates belong to the user who ran the runtime.
        assertThat(Files.getAttribute(ws.resolve("made"), "unix:uid")).isEqualTo(NOBODY);
    }

    /** The test class path, expanding a manifest-only jar (Surefire's) into the entries it names. */
    private static Set<Path> classPath() throws IOException {
        Set<Path> paths = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path path = Path.of(entry);
            paths.add(path);
            if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    String named = jar.getManifest() == null ? null
                            : jar.getManifest().getMainAttributes().getValue("Class-Path");
                    if (named != null) {
                        for (String uri : named.trim().split("\\s+")) {
                            paths.add(Path.of(java.net.URI.create(uri)));
                        }
                    }
                }
            }
        }
        paths.removeIf(p -> !Files.exists(p));
        return paths;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Lets the other user read the copied class path and pass through to the workspace. */
    private static void openUp(Path root) throws IOException {
        for (Path p = root; p != null && !p.equals(p.getRoot()); p = p.getParent()) {
            Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!p.startsWith(root.resolve("ws"))) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p)
                            ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }
}
