package io.perstack.sandbox.bwrap;

import java.nio.file.Path;

/**
 * The static helper program built from {@code src/main/c} for this machine's architecture: it joins cgroups before
 * bubblewrap runs and forwards {@code 127.0.0.1:3128} to the egress socket inside the sandbox (docs/sandbox.md §1).
 * It ships as a class-path resource and is copied into the job's scratch directory, so nothing is executed from a
 * shared or writable location.
 */
final class HelperBinary {
    static final String NAME = "perstack-sandbox-helper";

    private HelperBinary() {}

    /** Why the helper cannot be used, or {@code null} when it is present. */
    static String problem() {
        return BundledFile.present(NAME) ? null : missing();
    }

    private static String missing() {
        return NAME + " was not built for " + System.getProperty("os.arch")
                + " (the build needs a C compiler: /usr/bin/cc)";
    }

    /**
     * Copies the helper into {@code directory} with mode 0555 and returns its path: readable and executable by the
     * sandbox's user, which is not the runtime's own when the runtime is root; the scratch directory keeps
     * everyone else away from it.
     */
    static Path install(Path directory) {
        return BundledFile.install(NAME, directory, "r-xr-xr-x", "The sandbox network forwarder is not available: ",
                missing());
    }
}
