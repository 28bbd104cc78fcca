package io.perstack.testkit.mcp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Published npm MCP servers installed by {@code scripts/install-test-tools} into {@code <repo>/.cache/npm}. Tests
 * launch them with {@code node} directly; nothing is fetched at test time.
 */
public final class NpmPackages {
    public static final String FILESYSTEM_SERVER = "@modelcontextprotocol/server-filesystem";
    public static final String EVERYTHING_SERVER = "@modelcontextprotocol/server-everything";

    private NpmPackages() {}

    /** The installed package's folder, looked up from the working directory upwards. */
    public static Optional<Path> locate(String packageName) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pkg = dir.resolve(".cache/npm/node_modules").resolve(packageName);
            if (Files.isRegularFile(pkg.resolve("package.json"))) {
                return Optional.of(pkg);
            }
        }
        return Optional.empty();
    }

    /** Why a test that needs {@code packageName} is skipped when it is not installed. */
    public static String missingReason(String packageName) {
        return packageName + " is not installed in .cache/npm; run scripts/install-test-tools";
    }
}
