package io.perstack.base.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The workspace as the file tools see it (docs/base-skill.md §2): turns model paths into {@link Location}s under the
 * rules checked in order (outside, history folder, env files), and performs operations through a {@link FileAccess}
 * that refuses symbolic links. On Linux that access is kernel-enforced; elsewhere it is the checked fallback.
 */
public final class Workspace implements AutoCloseable {
    /** How paths are confined; {@link #AUTO} picks the strongest the platform offers. */
    public enum Confinement { AUTO, OPENAT2, COMPONENT_WALK, PATH_CHECKS }

    static final String PERSTACK_DENIED = "Access denied - perstack directory is not allowed";
    static final String ENV_DENIED = "Access denied - environment files are not allowed";
    static final String SYMLINK_DENIED = "Operation denied: target is a symbolic link";
    static final String PROTECTED_DENIED = "Access denied - %s is protected in this run: the runtime reads it when a "
            + "run starts or the host trusts it, so file tools cannot change it";

    private final FileAccess access;
    private final String visibleRoot;
    private final List<List<String>> deniedDirectories;
    private final List<List<String>> envFiles;
    private final List<List<String>> protectedPaths;

    private Workspace(FileAccess access, String visibleRoot, List<List<String>> deniedDirectories,
                      List<List<String>> envFiles, List<List<String>> protectedPaths) {
        this.access = access;
        this.visibleRoot = visibleRoot;
        this.deniedDirectories = deniedDirectories;
        this.envFiles = envFiles;
        this.protectedPaths = protectedPaths;
    }

    /**
     * Opens the workspace with the strongest confinement available.
     *
     * @param hostRoot    the workspace directory on the host (a linked root is resolved once, here)
     * @param visibleRoot the root as the model sees it ({@code /workspace}, or the real host path for {@code local})
     * @param denied      further directories refused like {@code perstack/} (the storage root when it lies inside)
     * @param envFiles    env files loaded for the run; refused when inside the workspace
     */
    /** Initialises the native bindings now (off Linux there are none to link). */
    public static void linkNativeCalls() {
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            Posix.link();
        }
    }

    public static Workspace open(Path hostRoot, String visibleRoot, List<Path> denied, List<Path> envFiles)
            throws IOException {
        return open(hostRoot, visibleRoot, denied, envFiles, Confinement.AUTO);
    }

    public static Workspace open(Path hostRoot, String visibleRoot, List<Path> denied, List<Path> envFiles,
                                 Confinement confinement) throws IOException {
        return open(hostRoot, visibleRoot, denied, envFiles, List.of(), confinement, null, null);
    }

    /**
     * As above, with entries the file tools may read but never create, change, move or delete, nor move or delete a
     * directory holding them: under an isolating runtime these are the start-up files and protected metadata that
     * the sandbox mounts read-only, and the tools run outside the sandbox (docs/sandbox.md §4).
     */
    public static Workspace open(Path hostRoot, String visibleRoot, List<Path> denied, List<Path> envFiles,
                                 List<Path> protectedPaths, Confinement confinement) throws IOException {
        return open(hostRoot, visibleRoot, denied, envFiles, protectedPaths, confinement, null, null);
    }

    /** As above, with the once-per-process warning state of the fallback injectable for tests. */
    static Workspace open(Path hostRoot, String visibleRoot, List<Path> denied, List<Path> envFiles,
                          Confinement confinement, AtomicBoolean warned, Consumer<String> warnings)
            throws IOException {
        return open(hostRoot, visibleRoot, denied, envFiles, List.of(), confinement, warned, warnings);
    }

    private static Workspace open(Path hostRoot, String visibleRoot, List<Path> denied, List<Path> envFiles,
                                  List<Path> protectedPaths, Confinement confinement, AtomicBoolean warned,
                                  Consumer<String> warnings) throws IOException {
        Path real = hostRoot.toRealPath();
        FileAccess access = switch (confinement) {
            case OPENAT2 -> KernelFileAccess.open(real, true);
            case COMPONENT_WALK -> KernelFileAccess.open(real, false);
            case PATH_CHECKS -> warnings == null ? CheckedFileAccess.open(real)
                    : CheckedFileAccess.open(real, warned, warnings);
            case AUTO -> KernelFileAccess.supported() ? KernelFileAccess.open(real, true)
                    : CheckedFileAccess.open(real);
        };
        String root = trimTrailingSlash(visibleRoot == null ? real.toString() : visibleRoot);
        List<Path> hostRoots = List.of(hostRoot.toAbsolutePath().normalize(), real);
        return new Workspace(access, root, relativeTo(hostRoots, denied), relativeTo(hostRoots, envFiles),
                relativeTo(hostRoots, protectedPaths));
    }

    private static List<List<String>> relativeTo(List<Path> roots, List<Path> paths) {
        List<List<String>> out = new ArrayList<>();
        for (Path path : paths == null ? List.<Path>of() : paths) {
            Path absolute = path.toAbsolutePath().normalize();
            for (Path root : roots) {
                if (absolute.startsWith(root) && !absolute.equals(root)) {
                    List<String> parts = new ArrayList<>();
                    root.relativize(absolute).forEach(p -> parts.add(p.toString().toLowerCase(Locale.ROOT)));
                    if (!out.contains(parts)) {
                        out.add(parts);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static String trimTrailingSlash(String root) {
        String r = root;
        while (r.length() > 1 && r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    public String visibleRoot() {
        return visibleRoot;
    }

    public FileAccess files() {
        return access;
    }

    /** Where a location is on the host, for a launcher's working directory. */
    public Path hostPath(Location location) {
        Path p = access.root();
        for (String part : location.parts()) {
            p = p.resolve(part);
        }
        return p;
    }

    /**
     * Applies the string rules of docs/base-skill.md §2.2 in order. Symbolic links are refused later, by the
     * {@link FileAccess}, because only the file system knows where they are.
     */
    public Location locate(String given) throws AccessDenied {
        String path = given == null ? "" : given;
        String absolute = path.startsWith("/") ? path : visibleRoot + "/" + path;
        String normalised = normalise(absolute);
        if (path.indexOf('\0') >= 0) {
            throw new AccessDenied(outsideMessage(normalised.replace("\0", "")));
        }
        List<String> parts;
        if (normalised.equals(visibleRoot)) {
            parts = List.of();
        } else {
            String prefix = visibleRoot.equals("/") ? "/" : visibleRoot + "/";
            if (!normalised.startsWith(prefix)) {
                throw new AccessDenied(outsideMessage(normalised));
            }
            parts = List.of(normalised.substring(prefix.length()).split("/"));
        }
        List<String> lower = parts.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
        if ((!lower.isEmpty() && lower.getFirst().equals("perstack"))
                || deniedDirectories.stream().anyMatch(d -> startsWith(lower, d))) {
            throw new AccessDenied(PERSTACK_DENIED);
        }
        if (envFiles.contains(lower)) {
            throw new AccessDenied(ENV_DENIED);
        }
        return new Location(parts, path, normalised);
    }

    /**
     * {@link #locate} for an operation that creates, changes, moves or deletes the entry: refused when the entry is
     * protected, lies under a protected entry, or holds one (moving a parent away would carry the entry with it).
     */
    public Location locateForChange(String given) throws AccessDenied {
        Location location = locate(given);
        List<String> lower = location.parts().stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
        for (List<String> entry : protectedPaths) {
            if (startsWith(lower, entry) || startsWith(entry, lower)) {
                throw new AccessDenied(PROTECTED_DENIED.formatted(location.visible()));
            }
        }
        return location;
    }

    /** Whether a listing of {@code directory} must omit {@code name} (history folder, storage root, env files). */
    public boolean hidden(Location directory, String name) {
        List<String> lower = new ArrayList<>(directory.parts().stream().map(p -> p.toLowerCase(Locale.ROOT)).toList());
        lower.add(name.toLowerCase(Locale.ROOT));
        return (lower.size() == 1 && lower.getFirst().equals("perstack")) || deniedDirectories.contains(lower)
                || envFiles.contains(lower);
    }

    /** The exact §2.2 message for a kernel refusal, or {@code null} when the error is not a confinement refusal. */
    public String refusal(FsException e, Location location) {
        if (e.symlink()) {
            return SYMLINK_DENIED;
        }
        if (e.outside()) {
            return outsideMessage(location.visible());
        }
        return null;
    }

    public String outsideMessage(String resolved) {
        return "Access denied - path outside allowed directories: " + resolved + " not in " + visibleRoot;
    }

    private static boolean startsWith(List<String> path, List<String> prefix) {
        return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
    }

    /** POSIX-style normalisation of an absolute path: empty and {@code .} segments dropped, {@code ..} applied. */
    static String normalise(String absolute) {
        List<String> out = new ArrayList<>();
        for (String segment : absolute.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
            } else {
                out.add(segment);
            }
        }
        return "/" + String.join("/", out);
    }

    @Override
    public void close() {
        access.close();
    }
}
