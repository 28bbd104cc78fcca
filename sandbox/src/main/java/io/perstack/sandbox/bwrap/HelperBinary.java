package io.perstack.sandbox.bwrap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The static helper program built from {@code src/main/c} for this machine's architecture: it joins cgroups before
 * bubblewrap runs and forwards {@code 127.0.0.1:3128} to the egress socket inside the sandbox (docs/sandbox.md §1).
 * It ships as a class-path resource and is copied into the job's scratch directory, so nothing is executed from a
 * shared or writable location.
 */
final class HelperBinary {
    static final String NAME = "perstack-sandbox-helper";

    private HelperBinary() {}

    static String resource() {
        return "/io/perstack/sandbox/bwrap/" + System.getProperty("os.arch", "").toLowerCase(Locale.ROOT) + "/" + NAME;
    }

    /** Why the helper cannot be used, or {@code null} when it is present. */
    static String problem() {
        if (HelperBinary.class.getResource(resource()) == null) {
            return NAME + " was not built for " + System.getProperty("os.arch")
                    + " (the build needs a C compiler: /usr/bin/cc)";
        }
        return null;
    }

    /**
     * Copies the helper into {@code directory} with mode 0555 and returns its path: readable and executable by the
     * sandbox's user, which is not the runtime's own when the runtime is root; the 0700 scratch directory keeps
     * everyone else away from it.
     */
    static Path install(Path directory) {
        String problem = problem();
        if (problem != null) {
            throw new SandboxUnavailable("The sandbox network forwarder is not available: " + problem);
        }
        Path target = directory.resolve(NAME);
        try (InputStream in = HelperBinary.class.getResourceAsStream(resource())) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
        } catch (IOException e) {
            throw new SandboxUnavailable("The sandbox network forwarder is not available: " + e.getMessage());
        }
        return target;
    }
}
