package io.perstack.sandbox.bwrap;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The entries of a workspace that something trusted reads later, so that no sandboxed process may write, rename,
 * replace or newly create them (docs/sandbox.md §4): version-control and tool metadata and shell start-up files at
 * the workspace's top level (the host's next {@code git status} runs hooks from {@code .git}), and every file the
 * runtime reads when a run starts ({@code perstack.toml}, {@code perstack.lock}, env files).
 *
 * <p>Each entry is bound read-only over itself in every sandbox of the job; a bind is a mount point, which the
 * kernel refuses to rename or remove. An entry that does not exist yet is created empty by the runtime before the
 * job's first sandbox starts (a placeholder, removed again when the job ends if it is still empty), so there is
 * never a moment in which a sandbox could create it. Directories between the workspace and a protected file are
 * bound over themselves read-write, so they cannot be renamed away with the file inside. A protected entry that is
 * a symbolic link stops the job: a link is where a sandbox would redirect the next run.
 */
final class ProtectedEntries {
    /** Metadata directories whose contents the host executes or trusts (hooks, fsmonitor, IDE tasks). */
    static final List<String> DIRECTORIES = List.of(".git", ".hg", ".svn", ".vscode", ".idea");
    /** Metadata and start-up files read by tools and shells on the host. */
    static final List<String> FILES = List.of(".gitmodules", ".mcp.json", ".envrc", ".bashrc", ".bash_profile",
            ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv", ".zprofile", ".zlogin");

    /**
     * One entry to bind: a workspace-relative path ({@code /}-separated), read-only or a writable anchor.
     *
     * @param relative path below the workspace
     * @param writable {@code true} for a directory bound over itself only so that it cannot be renamed
     */
    record Pin(String relative, boolean writable) {
        Pin {
            Objects.requireNonNull(relative, "relative");
        }
    }

    /** An entry the runtime created, removed at the end if it is still the same empty entry. */
    private record Placeholder(Path path, Object fileKey, boolean directory) {}

    private final Path workspace;
    private final List<Path> startupFiles;
    private final List<Path> directories;
    private List<Pin> pins;
    private final List<Placeholder> placeholders = new ArrayList<>();

    /**
     * @param workspace    the workspace's real path
     * @param startupFiles files read when a run starts; those outside the workspace are not a sandbox's to reach
     * @param directories  further directories to create and keep (the history folder), bound by the caller
     */
    ProtectedEntries(Path workspace, List<Path> startupFiles, List<Path> directories) {
        this.workspace = workspace;
        this.startupFiles = List.copyOf(startupFiles);
        this.directories = List.copyOf(directories);
    }

    /**
     * Every entry kept read-only, as host paths: the metadata entries and the start-up files inside the workspace.
     * Processes outside the sandbox that act for the model (the base skill's file tools) must refuse to change them.
     */
    List<Path> readOnlyPaths() {
        List<Path> out = new ArrayList<>();
        DIRECTORIES.forEach(name -> out.add(workspace.resolve(name)));
        FILES.forEach(name -> out.add(workspace.resolve(name)));
        for (Path file : startupFiles) {
            String relative = relative(file);
            if (relative != null && !out.contains(workspace.resolve(relative))) {
                out.add(workspace.resolve(relative));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The entries to bind, in bind order (anchors before what they contain); the first call creates the
     * placeholders. Called before every launch, so it must not fail differently later: entries are decided once.
     */
    synchronized List<Pin> pins() throws IOException {
        if (pins == null) {
            pins = decide();
        }
        return pins;
    }

    private List<Pin> decide() throws IOException {
        for (Path dir : directories) {
            String relative = relative(dir);
            if (relative != null && !relative.contains("/")) {
                ensure(relative, true);
            }
        }
        Set<String> anchors = new LinkedHashSet<>();
        List<Pin> readOnly = new ArrayList<>();
        for (String name : DIRECTORIES) {
            ensure(name, true);
            readOnly.add(new Pin(name, false));
        }
        for (String name : FILES) {
            ensure(name, false);
            readOnly.add(new Pin(name, false));
        }
        for (Path file : startupFiles) {
            String relative = relative(file);
            if (relative == null || readOnly.contains(new Pin(relative, false))) {
                continue;
            }
            String[] parts = relative.split("/");
            StringBuilder ancestor = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                ancestor.append(i == 0 ? "" : "/").append(parts[i]);
                ensure(ancestor.toString(), true);
                anchors.add(ancestor.toString());
            }
            ensure(relative, false);
            readOnly.add(new Pin(relative, false));
        }
        List<Pin> all = new ArrayList<>();
        anchors.forEach(a -> all.add(new Pin(a, true)));
        all.addAll(readOnly);
        return List.copyOf(all);
    }

    /** The workspace-relative form of a host path, or {@code null} when it is the workspace itself or outside. */
    private String relative(Path hostPath) {
        Path absolute = hostPath.toAbsolutePath().normalize();
        if (!absolute.startsWith(workspace) || absolute.equals(workspace)) {
            return null;
        }
        return workspace.relativize(absolute).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Makes sure the entry exists as something that is not a link, creating an empty placeholder if needed. */
    private void ensure(String relative, boolean directory) throws IOException {
        Path path = workspace.resolve(relative);
        BasicFileAttributes attributes = attributes(path);
        if (attributes == null) {
            try {
                if (directory) {
                    Files.createDirectory(path);
                } else {
                    Files.createFile(path);
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                ensure(relative, directory);
                return;
            }
            placeholders.add(new Placeholder(path, attributes(path).fileKey(), directory));
        } else if (attributes.isSymbolicLink()) {
            throw new SandboxUnavailable("Refusing to start a sandbox: " + path + " is a symbolic link. The runtime "
                    + "or the host's tools read it later, so it must be a plain " + (directory ? "directory"
                    : "file") + " (or absent) inside the workspace.");
        }
    }

    private static BasicFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    /** Removes the placeholders that are still empty and still the entries the runtime created, deepest first. */
    synchronized void removePlaceholders() {
        for (Placeholder p : placeholders.reversed()) {
            try {
                BasicFileAttributes now = attributes(p.path());
                if (now == null || !Objects.equals(now.fileKey(), p.fileKey())) {
                    continue;
                }
                if (p.directory() ? isEmptyDirectory(p.path()) : now.isRegularFile() && now.size() == 0) {
                    Files.delete(p.path());
                }
            } catch (IOException e) {
                // Left in place: an empty file or folder, harmless to the next run, which reuses it.
            }
        }
        placeholders.clear();
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }
}
