package io.perstack.base.fs;

import static io.perstack.base.fs.Posix.AT_REMOVEDIR;
import static io.perstack.base.fs.Posix.O_APPEND;
import static io.perstack.base.fs.Posix.O_CLOEXEC;
import static io.perstack.base.fs.Posix.O_CREAT;
import static io.perstack.base.fs.Posix.O_DIRECTORY;
import static io.perstack.base.fs.Posix.O_NOFOLLOW;
import static io.perstack.base.fs.Posix.O_PATH;
import static io.perstack.base.fs.Posix.O_RDONLY;
import static io.perstack.base.fs.Posix.O_TRUNC;
import static io.perstack.base.fs.Posix.O_WRONLY;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux confinement by the kernel (docs/base-skill.md §2.3, SR-19). The root is opened once; every operation first
 * obtains a descriptor with {@code openat2(root, path, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS)} — or, where openat2 is missing, an {@code O_NOFOLLOW} walk one component at a time — and
 * then acts on that descriptor or on a single name relative to it. No path string is handed to a path-based call
 * after it was checked, so swapping a directory for a link between check and use gains nothing.
 * It stays one class (a little over 400 lines) on purpose: the descriptor discipline is easier to audit when every
 * operation of {@link FileAccess} that relies on it sits in one place.
 */
public final class KernelFileAccess implements FileAccess {
    private static final long RESOLVE = Posix.RESOLVE_BENEATH | Posix.RESOLVE_NO_SYMLINKS
            | Posix.RESOLVE_NO_MAGICLINKS;
    // Opening a FIFO for reading would block until a writer appears; with O_NONBLOCK it returns and fstat refuses it.
    private static final int O_NONBLOCK = 04000;
    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final int rootFd;
    private final boolean openat2;

    private KernelFileAccess(Path root, int rootFd, boolean openat2) {
        this.root = root;
        this.rootFd = rootFd;
        this.openat2 = openat2;
    }

    /** Whether this platform can confine through the kernel at all (Linux with glibc 2.28+). */
    public static boolean supported() {
        return Posix.available();
    }

    /**
     * Opens the root (following links once: a linked workspace is resolved at start, docs/isolation.md §3).
     *
     * @param useOpenat2 {@code false} forces the component walk, as on kernels before 5.6
     */
    static KernelFileAccess open(Path root, boolean useOpenat2) throws FsException {
        int fd = Posix.openat(Posix.AT_FDCWD, root.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        boolean withOpenat2 = useOpenat2;
        if (withOpenat2) {
            try {
                Posix.close(Posix.openat2(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0, RESOLVE));
            } catch (FsException e) {
                // ENOSYS before Linux 5.6; EPERM or ENOSYS when a seccomp filter blocks it.
                if (e.errno() != FsException.ENOSYS && e.errno() != FsException.EPERM) {
                    Posix.close(fd);
                    throw e;
                }
                withOpenat2 = false;
            }
        }
        return new KernelFileAccess(root, fd, withOpenat2);
    }

    /** Whether openat2 is in use (else the component walk). */
    public boolean usesOpenat2() {
        return openat2;
    }

    @Override
    public Path root() {
        return root;
    }

    private int open(List<String> path, int flags, int mode) throws FsException {
        int all = flags | O_CLOEXEC | O_NOFOLLOW;
        int createMode = (flags & O_CREAT) != 0 ? mode : 0;
        if (openat2) {
            return Posix.openat2(rootFd, path.isEmpty() ? "." : String.join("/", path), all, createMode, RESOLVE);
        }
        return walk(path, all, createMode);
    }

    private int walk(List<String> path, int flags, int mode) throws FsException {
        if (path.isEmpty()) {
            return Posix.openat(rootFd, ".", flags, mode);
        }
        int dir = rootFd;
        try {
            for (int i = 0; i < path.size() - 1; i++) {
                int next;
                try {
                    next = Posix.openat(dir, path.get(i), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
                } catch (FsException e) {
                    throw linkAware(e, dir, path.get(i));
                }
                if (dir != rootFd) {
                    Posix.close(dir);
                }
                dir = next;
            }
            try {
                return Posix.openat(dir, path.getLast(), flags, mode);
            } catch (FsException e) {
                throw linkAware(e, dir, path.getLast());
            }
        } finally {
            if (dir != rootFd) {
                Posix.close(dir);
            }
        }
    }

    /** O_DIRECTORY on a link reports ENOTDIR; the walk must report it as the link it is, like openat2 does. */
    private static FsException linkAware(FsException e, int dir, String name) {
        if (e.errno() == FsException.ENOTDIR) {
            try {
                if (Posix.statx(dir, name).type() == Stat.Type.SYMLINK) {
                    return new FsException(FsException.ELOOP, "openat");
                }
            } catch (FsException ignored) {
                // keep the original error
            }
        }
        return e;
    }

    private int openDirectory(List<String> path) throws FsException {
        return open(path, O_PATH | O_DIRECTORY, 0);
    }

    @Override
    public Stat stat(List<String> path) throws FsException {
        int fd;
        try {
            fd = open(path, O_PATH, 0);
        } catch (FsException e) {
            if (e.errno() == FsException.ENOENT || e.errno() == FsException.ENOTDIR) {
                return null;
            }
            throw e;
        }
        try {
            return Posix.statx(fd, "");
        } finally {
            Posix.close(fd);
        }
    }

    private int openRegular(List<String> path, int flags, int mode) throws FsException {
        int fd = open(path, flags | O_NONBLOCK, mode);
        try {
            Stat stat = Posix.statx(fd, "");
            if (stat.type() != Stat.Type.FILE) {
                throw new FsException(stat.directory() ? FsException.EISDIR : FsException.EINVAL, "open");
            }
            return fd;
        } catch (FsException e) {
            Posix.close(fd);
            throw e;
        }
    }

    @Override
    public byte[] read(List<String> path, long limit) throws FsException {
        try (InputStream in = openRead(path)) {
            return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
        } catch (FsException e) {
            throw e;
        } catch (IOException e) {
            throw new FsException(FsException.EINVAL, e.getMessage());
        }
    }

    @Override
    public InputStream openRead(List<String> path) throws FsException {
        return new DescriptorInputStream(openRegular(path, O_RDONLY, 0));
    }

    @Override
    public void write(List<String> path, byte[] data) throws FsException {
        writeTo(openRegular(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), data);
    }

    @Override
    public void overwrite(List<String> path, byte[] data) throws FsException {
        int fd = openRegular(path, O_WRONLY, 0);
        try {
            Posix.ftruncate(fd, 0);
        } catch (FsException e) {
            Posix.close(fd);
            throw e;
        }
        writeTo(fd, data);
    }

    @Override
    public void append(List<String> path, byte[] data) throws FsException {
        writeTo(openRegular(path, O_WRONLY | O_APPEND, 0), data);
    }

    private static void writeTo(int fd, byte[] data) throws FsException {
        try {
            Posix.writeFully(fd, data);
        } finally {
            Posix.close(fd);
        }
    }

    @Override
    public void createDirectory(List<String> path) throws FsException {
        requireNotRoot(path);
        int parent = openDirectory(path.subList(0, path.size() - 1));
        try {
            Posix.mkdirat(parent, path.getLast(), 0755);
        } finally {
            Posix.close(parent);
        }
    }

    @Override
    public void createDirectories(List<String> path) throws FsException {
        for (int i = 1; i <= path.size(); i++) {
            List<String> prefix = path.subList(0, i);
            try {
                Posix.close(openDirectory(prefix));
                continue;
            } catch (FsException e) {
                if (e.errno() != FsException.ENOENT) {
                    throw e;
                }
            }
            try {
                createDirectory(prefix);
            } catch (FsException e) {
                // Created concurrently: the next round opens it like any existing directory.
                if (e.errno() != FsException.EEXIST) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void rename(List<String> from, List<String> to) throws FsException {
        requireNotRoot(from);
        requireNotRoot(to);
        int fromDir = openDirectory(from.subList(0, from.size() - 1));
        try {
            int toDir = openDirectory(to.subList(0, to.size() - 1));
            try {
                Posix.renameat2(fromDir, from.getLast(), toDir, to.getLast(), Posix.RENAME_NOREPLACE);
            } finally {
                Posix.close(toDir);
            }
        } finally {
            Posix.close(fromDir);
        }
    }

    @Override
    public void deleteFile(List<String> path) throws FsException {
        requireNotRoot(path);
        int parent = openDirectory(path.subList(0, path.size() - 1));
        try {
            Posix.unlinkat(parent, bytes(path.getLast()), 0);
        } finally {
            Posix.close(parent);
        }
    }

    @Override
    public void deleteDirectory(List<String> path, boolean recursive) throws FsException {
        requireNotRoot(path);
        int parent = openDirectory(path.subList(0, path.size() - 1));
        try {
            if (recursive) {
                int dir = Posix.openat(parent, path.getLast(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
                try {
                    removeContents(dir);
                } finally {
                    Posix.close(dir);
                }
            }
            Posix.unlinkat(parent, bytes(path.getLast()), AT_REMOVEDIR);
        } finally {
            Posix.close(parent);
        }
    }

    /** Depth first through descriptors; links are unlinked, never opened, so removal cannot leave the tree. */
    private static void removeContents(int dir) throws FsException {
        for (byte[] name : Posix.readdir(dir)) {
            Stat stat;
            try {
                stat = Posix.statx(dir, name);
            } catch (FsException e) {
                if (e.notFound()) {
                    continue;
                }
                throw e;
            }
            if (stat.directory()) {
                int child;
                try {
                    child = Posix.openatRaw(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                } catch (FsException e) {
                    // Replaced by a link or a file since the stat: remove whatever is there now without entering it.
                    if (e.errno() == FsException.ELOOP || e.errno() == FsException.ENOTDIR) {
                        Posix.unlinkat(dir, name, 0);
                        continue;
                    }
                    throw e;
                }
                try {
                    removeContents(child);
                } finally {
                    Posix.close(child);
                }
                Posix.unlinkat(dir, name, AT_REMOVEDIR);
            } else {
                Posix.unlinkat(dir, name, 0);
            }
        }
    }

    @Override
    public List<Entry> list(List<String> path) throws FsException {
        int dir = open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK, 0);
        try {
            List<Entry> entries = new ArrayList<>();
            for (byte[] name : Posix.readdir(dir)) {
                try {
                    entries.add(new Entry(new String(name, StandardCharsets.UTF_8), Posix.statx(dir, name)));
                } catch (FsException e) {
                    if (!e.notFound()) {
                        throw e;
                    }
                }
            }
            return entries;
        } finally {
            Posix.close(dir);
        }
    }

    private static void requireNotRoot(List<String> path) throws FsException {
        // The root has no parent inside the workspace to act from; it is never created, moved or removed.
        if (path.isEmpty()) {
            throw new FsException(FsException.EINVAL, "the workspace root itself");
        }
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        Posix.close(rootFd);
    }

    /** read(2) on a descriptor this stream owns. */
    private static final class DescriptorInputStream extends InputStream {
        private final int fd;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment buffer = arena.allocate(BUFFER);
        private final MemorySegment capture = Posix.allocateCapture(arena);
        private boolean closed;

        DescriptorInputStream(int fd) {
            this.fd = fd;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            if (len == 0) {
                return 0;
            }
            int n = Posix.read(fd, buffer.asSlice(0, Math.min(len, BUFFER)), capture);
            if (n == 0) {
                return -1;
            }
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, b, off, n);
            return n;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                Posix.close(fd);
                arena.close();
            }
        }
    }
}
