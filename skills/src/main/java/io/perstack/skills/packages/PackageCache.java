package io.perstack.skills.packages;

import io.perstack.sandbox.FileTrees;
import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Installed packages, one folder per {@code name@version} ({@code <root>/npm/@scope+name@1.2.3}). A folder is only
 * ever made by renaming a finished install into place, so one that exists is complete; installs of the same
 * package are serialised by a lock file (across processes) and a monitor (across threads), and should a rename
 * still find the folder present, the first one stays and the later install is discarded.
 */
public final class PackageCache {
    /** Unfinished installs older than this belong to a process that died. */
    private static final Duration STALE = Duration.ofHours(6);
    /**
     * Process-wide on purpose: the cache folder is shared by every job of the JVM, and a file lock excludes other
     * processes only, not the threads of this one. One monitor per package folder; it holds no package data.
     */
    private static final Map<String, Object> MONITORS = new ConcurrentHashMap<>();

    /** Installs one package into an empty folder. */
    @FunctionalInterface
    public interface Installer {
        void install(Path prefix, String name, String version) throws IOException;
    }

    private final Path root;

    public PackageCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * The cache under the user's cache directory: {@code $XDG_CACHE_HOME/perstack/packages}, else
     * {@code ~/.cache/perstack/packages}.
     */
    public static Path defaultRoot(Map<String, String> hostEnvironment) {
        String xdg = hostEnvironment.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "perstack", "packages");
        }
        String home = hostEnvironment.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".cache", "perstack", "packages");
    }

    public Path root() {
        return root;
    }

    /** The folder of {@code name@version}, present or not. */
    public Path entry(String name, String version) {
        if (!NpmPackageSpec.isExact(version)) {
            throw new IllegalArgumentException("not an exact version: " + version);
        }
        new NpmPackageSpec(name, version);
        return root.resolve("npm").resolve(name.replace('/', '+') + "@" + version);
    }

    /** Where the package itself lies inside its entry. */
    public static Path packageDirectory(Path entry, String name) {
        return entry.resolve("node_modules").resolve(name);
    }

    /** Whether the entry is there and holds the version it is named after. */
    public boolean isComplete(String name, String version) {
        Path entry = entry(name, version);
        if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            JsonNode manifest = Json.mapper().readTree(packageDirectory(entry, name).resolve("package.json")
                    .toFile());
            return version.equals(manifest.path("version").asText()) && name.equals(manifest.path("name").asText());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes sure {@code name@version} is installed and returns its entry.
     *
     * @param installed called only when this call installed the package (not when it found it), with the time it took
     */
    public Path ensure(String name, String version, Installer installer, Runnable before,
                       java.util.function.LongConsumer installed) throws IOException {
        Path entry = entry(name, version);
        if (isComplete(name, version)) {
            return entry;
        }
        Path npm = Files.createDirectories(entry.getParent());
        String key = entry.getFileName().toString();
        synchronized (MONITORS.computeIfAbsent(npm.resolve(key).toString(), k -> new Object())) {
            try (FileChannel channel = FileChannel.open(npm.resolve("." + key + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                if (isComplete(name, version)) {
                    return entry;
                }
                if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
                    // Damaged (files removed by hand): set aside, never used again, removed below.
                    Files.move(entry, npm.resolve(".tmp-damaged-" + System.nanoTime()));
                }
                removeStale(npm);
                before.run();
                long t0 = System.nanoTime();
                Path temp = Files.createTempDirectory(npm, ".tmp-" + key + "-");
                try {
                    installer.install(temp, name, version);
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
                    Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    // Another installer that did not take the lock (an older runtime) was first: keep its entry.
                    deleteTree(temp);
                } catch (IOException | RuntimeException e) {
                    deleteTree(temp);
                    throw e;
                }
                if (!isComplete(name, version)) {
                    throw new IOException("the install of " + name + "@" + version + " did not produce the package");
                }
                installed.accept((System.nanoTime() - t0) / 1_000_000);
                return entry;
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the package cache " + root + " cannot rename atomically", e);
            }
        }
    }

    /** Leftovers of installs whose process died, and damaged entries set aside. */
    private static void removeStale(Path npm) {
        Instant limit = Instant.now().minus(STALE);
        try (var entries = Files.newDirectoryStream(npm, ".tmp-*")) {
            for (Path dir : entries) {
                FileTime modified = Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS);
                if (dir.getFileName().toString().startsWith(".tmp-damaged-") || modified.toInstant().isBefore(limit)) {
                    deleteTree(dir);
                }
            }
        } catch (IOException e) {
            // Best effort: leftovers cost disk space, never correctness (they are never used).
        }
    }

    static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            // Left behind; removeStale tries again later.
        }
    }
}
