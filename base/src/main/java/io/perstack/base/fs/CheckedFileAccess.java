package io.perstack.base.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The documented fallback where the kernel cannot confine (Windows, or a JVM without native access): every
 * component is checked with {@code lstat} semantics ({@code NOFOLLOW_LINKS}) and the real path must lie under the
 * real root, then the operation runs on the path string. A concurrent swap between that check and the use is not
 * prevented (SR-20, SECURITY.md known limitations), which is why a warning is printed once per process.
 */
public final class CheckedFileAccess implements FileAccess {
    static final String WARNING = "Warning: @perstack/base cannot confine file tools through the kernel on this "
            + "system (no openat2); it falls back to path checks, which leave a check-then-use race window.";
    /** The warning above is printed once per process, so this flag is process-wide. */
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path root;

    /** Prints {@link #WARNING} to stderr unless this process printed it already. */
    static CheckedFileAccess open(Path root) throws FsException {
        return open(root, WARNED, System.err::println);
    }

    static CheckedFileAccess open(Path root, AtomicBoolean warned, Consumer<String> warnings) throws FsException {
        if (warned.compareAndSet(false, true)) {
            warnings.accept(WARNING);
        }
        try {
            return new CheckedFileAccess(root.toRealPath());
        } catch (IOException e) {
            throw map(e);
        }
    }

    private CheckedFileAccess(Path root) {
        this.root = root;
    }

    @Override
    public Path root() {
        return root;
    }

    /** Refuses a link in any existing component and any real location outside the real root. */
    private Path resolve(List<String> path) throws FsException {
        Path current = root;
        for (String part : path) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                throw new FsException(FsException.ELOOP, "lstat");
            }
        }
        try {
            Path existing = current;
            while (existing != null && !Files.exists(existing, NOFOLLOW)) {
                existing = existing.getParent();
            }
            if (existing == null || !existing.toRealPath().startsWith(root)) {
                throw new FsException(FsException.EXDEV, "realpath");
            }
        } catch (FsException e) {
            throw e;
        } catch (IOException e) {
            throw map(e);
        }
        return current;
    }

    static FsException map(IOException e) {
        if (e instanceof FsException fs) {
            return fs;
        }
        int errno = switch (e) {
            case NoSuchFileException x -> FsException.ENOENT;
            case FileAlreadyExistsException x -> FsException.EEXIST;
            case DirectoryNotEmptyException x -> FsException.ENOTEMPTY;
            case NotDirectoryException x -> FsException.ENOTDIR;
            case AccessDeniedException x -> FsException.EACCES;
            case FileSystemLoopException x -> FsException.ELOOP;
            default -> FsException.EINVAL;
        };
        return new FsException(errno, String.valueOf(e.getMessage()));
    }

    private static Stat stat(Path p) throws IOException {
        BasicFileAttributes basic = Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
        Stat.Type type = basic.isSymbolicLink() ? Stat.Type.SYMLINK : basic.isDirectory() ? Stat.Type.DIRECTORY
                : basic.isRegularFile() ? Stat.Type.FILE : Stat.Type.OTHER;
        int mode;
        try {
            mode = modeOf(Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW).permissions());
        } catch (UnsupportedOperationException e) {
            // No POSIX modes (Windows): derive the owner bits the tools look at.
            mode = 0444 | (Files.isWritable(p) ? 0200 : 0) | (basic.isDirectory() ? 0111 : 0);
        }
        return new Stat(type, basic.size(), mode, basic.lastAccessTime().toInstant(),
                basic.lastModifiedTime().toInstant(), basic.creationTime().toInstant());
    }

    private static int modeOf(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    @Override
    public Stat stat(List<String> path) throws FsException {
        try {
            return stat(resolve(path));
        } catch (FsException e) {
            if (e.notFound() || e.errno() == FsException.ENOTDIR) {
                return null;
            }
            throw e;
        } catch (NoSuchFileException | NotDirectoryException e) {
            return null;
        } catch (IOException e) {
            throw map(e);
        }
    }

    private Path regular(List<String> path) throws FsException {
        Path p = resolve(path);
        if (Files.isDirectory(p, NOFOLLOW)) {
            throw new FsException(FsException.EISDIR, "open");
        }
        return p;
    }

    @Override
    public byte[] read(List<String> path, long limit) throws FsException {
        try (InputStream in = openRead(path)) {
            return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw map(e);
        }
    }

    @Override
    public InputStream openRead(List<String> path) throws FsException {
        try {
            return Files.newInputStream(regular(path), NOFOLLOW);
        } catch (IOException e) {
            throw map(e);
        }
    }

    @Override
    public void write(List<String> path, byte[] data) throws FsException {
        writeWith(path, data, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    @Override
    public void overwrite(List<String> path, byte[] data) throws FsException {
        writeWith(path, data, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    @Override
    public void append(List<String> path, byte[] data) throws FsException {
        writeWith(path, data, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private void writeWith(List<String> path, byte[] data, StandardOpenOption... options) throws FsException {
        try {
            Path p = regular(path);
            Set<java.nio.file.OpenOption> all = new java.util.HashSet<>(List.of(options));
            all.add(NOFOLLOW);
            try (var channel = Files.newByteChannel(p, all)) {
                channel.write(java.nio.ByteBuffer.wrap(data));
            }
        } catch (IOException e) {
            throw map(e);
        }
    }

    @Override
    public void createDirectory(List<String> path) throws FsException {
        try {
            Files.createDirectory(resolve(path));
        } catch (IOException e) {
            throw map(e);
        }
    }

    @Override
    public void createDirectories(List<String> path) throws FsException {
        for (int i = 1; i <= path.size(); i++) {
            Stat stat = stat(path.subList(0, i));
            if (stat == null) {
                try {
                    createDirectory(path.subList(0, i));
                } catch (FsException e) {
                    if (e.errno() != FsException.EEXIST) {
                        throw e;
                    }
                }
            } else if (!stat.directory()) {
                throw new FsException(stat.type() == Stat.Type.SYMLINK ? FsException.ELOOP : FsException.ENOTDIR,
                        "mkdir");
            }
        }
    }

    @Override
    public void rename(List<String> from, List<String> to) throws FsException {
        try {
            // Files.move without REPLACE_EXISTING fails when the target exists, as RENAME_NOREPLACE does.
            Files.move(resolve(from), resolve(to), StandardCopyOption.ATOMIC_MOVE);
            return;
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            // fall through to a non-atomic move below
        } catch (IOException e) {
            throw map(e);
        }
        try {
            Files.move(resolve(from), resolve(to));
        } catch (IOException e) {
            throw map(e);
        }
    }

    @Override
    public void deleteFile(List<String> path) throws FsException {
        try {
            Path p = resolve(path);
            if (Files.isDirectory(p, NOFOLLOW)) {
                throw new FsException(FsException.EISDIR, "unlink");
            }
            Files.delete(p);
        } catch (IOException e) {
            throw map(e);
        }
    }

    @Override
    public void deleteDirectory(List<String> path, boolean recursive) throws FsException {
        try {
            Path p = resolve(path);
            if (recursive) {
                removeContents(p);
            }
            Files.delete(p);
        } catch (IOException e) {
            throw map(e);
        }
    }

    private static void removeContents(Path dir) throws IOException {
        List<Path> children;
        try (Stream<Path> stream = Files.list(dir)) {
            children = stream.toList();
        }
        for (Path child : children) {
            if (Files.isDirectory(child, NOFOLLOW)) {
                removeContents(child);
            }
            Files.delete(child);
        }
    }

    @Override
    public List<Entry> list(List<String> path) throws FsException {
        try {
            Path dir = resolve(path);
            List<Entry> entries = new ArrayList<>();
            try (Stream<Path> stream = Files.list(dir)) {
                for (Path child : stream.toList()) {
                    try {
                        entries.add(new Entry(child.getFileName().toString(), stat(child)));
                    } catch (NoSuchFileException e) {
                        // removed while listing
                    }
                }
            }
            return entries;
        } catch (IOException e) {
            throw map(e);
        }
    }

    @Override
    public void close() {
        // nothing held
    }
}
