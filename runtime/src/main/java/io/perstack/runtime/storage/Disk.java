package io.perstack.runtime.storage;

import io.perstack.core.id.Ids;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * File operations with the durability and permission rules of docs/storage.md §1 and §3: private modes on POSIX,
 * atomic replace (temporary file in the same directory, fsync, rename, fsync of the directory), and directory
 * entries made durable when a directory or file is created.
 */
final class Disk {
    private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

    private final boolean posix;
    private final FileAttribute<?>[] dirMode;
    private final FileAttribute<?>[] fileMode;

    Disk(Path root) {
        posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
        dirMode = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))} : NONE;
        fileMode = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))} : NONE;
    }

    /** Creates the missing directories of {@code dir} with mode 0700 and makes their entries durable. */
    void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
             p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p, dirMode);
            } catch (FileAlreadyExistsException raced) {
                // A parallel run of this process created it first; it must be a directory to go on.
                if (!Files.isDirectory(p)) {
                    throw raced;
                }
                continue;
            }
            syncDirectory(p.getParent());
        }
    }

    /** Opens (creating with mode 0600 if needed) a file for reading and writing. */
    FileChannel openReadWrite(Path file) throws IOException {
        createDirectories(file.getParent());
        boolean existed = Files.exists(file);
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileChannel channel = FileChannel.open(file, options, fileMode);
        if (!existed) {
            try {
                syncDirectory(file.getParent());
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }
        return channel;
    }

    /** Replaces {@code target} so that a reader sees either the old or the new content, never a mix. */
    void replace(Path target, byte[] content) throws IOException {
        replace(target, content, true);
    }

    /** {@link #replace} without forcing file or directory to disk: still atomic, not durable on its own. */
    void replaceUnforced(Path target, byte[] content) throws IOException {
        replace(target, content, false);
    }

    private void replace(Path target, byte[] content, boolean force) throws IOException {
        Path dir = target.getParent();
        createDirectories(dir);
        // Leading dot and a random part: never mistaken for a stored file, never shared by parallel writers.
        Path temp = dir.resolve("." + target.getFileName() + "." + Ids.next() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), fileMode)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (force) {
                    channel.force(true);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        if (force) {
            syncDirectory(dir);
        }
    }

    /** Makes renames and new entries in {@code dir} durable; only POSIX systems can open a directory for this. */
    void syncDirectory(Path dir) throws IOException {
        if (!posix || dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
