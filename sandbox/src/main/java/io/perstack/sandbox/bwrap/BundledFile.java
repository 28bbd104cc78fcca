package io.perstack.sandbox.bwrap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * A file built for this machine's architecture at build time and shipped as a class-path resource (the helper
 * binary, the seccomp filter), copied into a job's scratch directory so nothing runs from a shared or writable
 * place.
 */
final class BundledFile {
    private BundledFile() {}

    /** The resource path of {@code name} for this architecture. */
    static String resource(String name) {
        return "/io/perstack/sandbox/bwrap/" + System.getProperty("os.arch", "").toLowerCase(Locale.ROOT) + "/" + name;
    }

    static boolean present(String name) {
        return BundledFile.class.getResource(resource(name)) != null;
    }

    /**
     * Copies {@code name} into {@code directory} with {@code permissions}; fails closed with a {@link
     * SandboxUnavailable} whose message starts with {@code unavailable}.
     */
    static Path install(String name, Path directory, String permissions, String unavailable, String whyMissing) {
        if (!present(name)) {
            throw new SandboxUnavailable(unavailable + whyMissing);
        }
        Path target = directory.resolve(name);
        try (InputStream in = BundledFile.class.getResourceAsStream(resource(name))) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(permissions));
        } catch (IOException e) {
            throw new SandboxUnavailable(unavailable + e.getMessage());
        }
        return target;
    }
}
