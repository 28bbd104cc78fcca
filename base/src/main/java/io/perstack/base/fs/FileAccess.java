package io.perstack.base.fs;

import java.io.InputStream;
import java.util.List;

/**
 * File operations on paths given as component lists relative to the workspace root. Components are already
 * normalised by {@link Workspace#locate}: no empty, {@code .} or {@code ..} entries; the empty list is the root.
 * Every implementation refuses symbolic links in any component, including the last.
 */
public sealed interface FileAccess extends AutoCloseable permits KernelFileAccess, CheckedFileAccess {
    /** Without following a final link; {@code null} when nothing exists there. */
    Stat stat(List<String> path) throws FsException;

    /** At most {@code limit} bytes from the start of a regular file. */
    byte[] read(List<String> path, long limit) throws FsException;

    /** A stream over a regular file; closing it releases the descriptor. */
    InputStream openRead(List<String> path) throws FsException;

    /** Creates or truncates, then writes {@code data}; new files get mode 0644. */
    void write(List<String> path, byte[] data) throws FsException;

    /** Replaces the content of an existing file in place (no temporary file, docs/base-skill.md §2.3). */
    void overwrite(List<String> path, byte[] data) throws FsException;

    /** Appends to an existing file. */
    void append(List<String> path, byte[] data) throws FsException;

    /** Creates one directory with mode 0755. */
    void createDirectory(List<String> path) throws FsException;

    /** Creates every missing directory of {@code path}. */
    void createDirectories(List<String> path) throws FsException;

    /** Atomic rename that fails with EEXIST instead of replacing {@code to}. */
    void rename(List<String> from, List<String> to) throws FsException;

    /** Removes a non-directory. */
    void deleteFile(List<String> path) throws FsException;

    /** Removes a directory; with {@code recursive}, its content first, removing links rather than following them. */
    void deleteDirectory(List<String> path, boolean recursive) throws FsException;

    /** The entries of a directory, in no particular order. */
    List<Entry> list(List<String> path) throws FsException;

    /** The root as the host sees it, for handing a working directory to a launcher. */
    java.nio.file.Path root();

    @Override
    void close();
}
