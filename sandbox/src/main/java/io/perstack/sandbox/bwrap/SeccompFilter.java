package io.perstack.sandbox.bwrap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The seccomp filter every sandboxed process runs under (docs/sandbox.md §2): raw BPF generated at build time by
 * {@code src/main/c/perstack-seccomp.c} with libseccomp and shipped as a class-path resource. The runtime never
 * assembles filter code; it copies the file into the job's scratch directory, where the helper opens it for
 * bubblewrap's {@code --seccomp}.
 */
final class SeccompFilter {
    static final String NAME = "seccomp.bpf";

    private SeccompFilter() {}

    static String resource() {
        return "/io/perstack/sandbox/bwrap/" + System.getProperty("os.arch", "").toLowerCase(Locale.ROOT) + "/" + NAME;
    }

    /** Why the filter cannot be used, or {@code null} when it is present. */
    static String problem() {
        if (SeccompFilter.class.getResource(resource()) == null) {
            return "it was not generated for " + System.getProperty("os.arch")
                    + " (the build needs libseccomp: Debian/Ubuntu libseccomp-dev, Fedora libseccomp-devel)";
        }
        return null;
    }

    /** Copies the filter into {@code directory} (read-only) and returns its path; fails closed when missing. */
    static Path install(Path directory) {
        String problem = problem();
        if (problem != null) {
            throw new SandboxUnavailable("The sandbox seccomp filter is not available: " + problem);
        }
        Path target = directory.resolve(NAME);
        try (InputStream in = SeccompFilter.class.getResourceAsStream(resource())) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--------"));
        } catch (IOException e) {
            throw new SandboxUnavailable("The sandbox seccomp filter is not available: " + e.getMessage());
        }
        return target;
    }
}
