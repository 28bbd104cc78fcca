package io.perstack.sandbox.bwrap;

import java.nio.file.Path;

/**
 * The seccomp filter every sandboxed process runs under (docs/sandbox.md §2): raw BPF generated at build time by
 * {@code src/main/c/perstack-seccomp.c} with libseccomp and shipped as a class-path resource. The runtime never
 * assembles filter code; it copies the file into the job's scratch directory, where the helper opens it for
 * bubblewrap's {@code --seccomp}.
 */
final class SeccompFilter {
    static final String NAME = "seccomp.bpf";

    private SeccompFilter() {}

    /** Why the filter cannot be used, or {@code null} when it is present. */
    static String problem() {
        return BundledFile.present(NAME) ? null : missing();
    }

    private static String missing() {
        return "it was not generated for " + System.getProperty("os.arch")
                + " (the build needs libseccomp: Debian/Ubuntu libseccomp-dev, Fedora libseccomp-devel)";
    }

    /** Copies the filter into {@code directory} (read-only) and returns its path; fails closed when missing. */
    static Path install(Path directory) {
        return BundledFile.install(NAME, directory, "r--------", "The sandbox seccomp filter is not available: ",
                missing());
    }
}
