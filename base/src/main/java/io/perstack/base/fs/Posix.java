package io.perstack.base.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Linux system calls of the kernel confinement, bound through the FFM API. Every call captures errno right
 * after the call (the JVM may change it before Java code could read it) and throws {@link FsException} on failure.
 * Constants are Linux values; the open flags that differ between x86_64 and aarch64 are chosen by architecture.
 */
final class Posix {
    static final boolean AARCH64 = System.getProperty("os.arch", "").equals("aarch64");

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;

    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;
    static final long RESOLVE_BENEATH = 0x08;
    static final int RENAME_NOREPLACE = 1;

    // openat2 has the same number on x86_64 and aarch64 (it was added after the syscall tables were unified).
    private static final long SYS_OPENAT2 = 437;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int STATX_BTIME = 0x800;
    private static final int STATX_SIZE = 256;
    private static final int S_IFMT = 0170000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle SYSCALL4 = bind("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle OPENAT = bind("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP = bind("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = bind("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = bind("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle FTRUNCATE = bind("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle STATX = bind("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle MKDIRAT = bind("mkdirat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle UNLINKAT = bind("unlinkat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RENAMEAT2 = bind("renameat2",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FDOPENDIR = bind("fdopendir", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle READDIR = bind("readdir", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle CLOSEDIR = bind("closedir", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private Posix() {}

    /** Whether every binding was found (glibc 2.28 or later on Linux). */
    static boolean available() {
        return System.getProperty("os.name", "").equals("Linux") && SYSCALL4 != null && OPENAT != null
                && STATX != null && RENAMEAT2 != null && FDOPENDIR != null;
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = ERRNO_OPTION;
        System.arraycopy(extra, 0, options, 1, extra.length);
        try {
            return LIBC.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor, options)).orElse(null);
        } catch (RuntimeException e) {
            // A platform without this ABI: the caller falls back (see available()).
            return null;
        }
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static RuntimeException unexpected(Throwable e) {
        return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }

    /** openat2(dirfd, path, {flags, mode, resolve}). */
    static int openat2(int dirfd, String path, int flags, int mode, long resolve) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment how = arena.allocate(24, 8);
            how.set(JAVA_LONG, 0, flags & 0xffffffffL);
            how.set(JAVA_LONG, 8, mode);
            how.set(JAVA_LONG, 16, resolve);
            while (true) {
                long fd = (long) SYSCALL4.invokeExact(capture, SYS_OPENAT2, (long) dirfd, arena.allocateFrom(path),
                        how, 24L);
                if (fd >= 0) {
                    return (int) fd;
                }
                int errno = errno(capture);
                // EAGAIN: RESOLVE_* lookups may ask for a retry when a concurrent rename raced the walk.
                if (errno != FsException.EINTR && errno != 11) {
                    throw new FsException(errno, "openat2");
                }
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static int openat(int dirfd, String path, int flags, int mode) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            while (true) {
                int fd = (int) OPENAT.invokeExact(capture, dirfd, arena.allocateFrom(path), flags, mode);
                if (fd >= 0) {
                    return fd;
                }
                if (errno(capture) != FsException.EINTR) {
                    throw new FsException(errno(capture), "openat");
                }
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static int dup(int fd) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int copy = (int) DUP.invokeExact(capture, fd);
            if (copy < 0) {
                throw new FsException(errno(capture), "dup");
            }
            return copy;
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** One read(2) into {@code buffer}; 0 at end of file. */
    static int read(int fd, MemorySegment buffer, MemorySegment capture) throws FsException {
        try {
            while (true) {
                long n = (long) READ.invokeExact(capture, fd, buffer, buffer.byteSize());
                if (n >= 0) {
                    return (int) n;
                }
                if (errno(capture) != FsException.EINTR) {
                    throw new FsException(errno(capture), "read");
                }
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void writeFully(int fd, byte[] data) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment buffer = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buffer, ValueLayout.JAVA_BYTE, 0, data.length);
            long offset = 0;
            while (offset < data.length) {
                long n = (long) WRITE.invokeExact(capture, fd, buffer.asSlice(offset), data.length - offset);
                if (n < 0) {
                    if (errno(capture) == FsException.EINTR) {
                        continue;
                    }
                    throw new FsException(errno(capture), "write");
                }
                offset += n;
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void ftruncate(int fd, long length) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            if ((int) FTRUNCATE.invokeExact(capture, fd, length) < 0) {
                throw new FsException(errno(capture), "ftruncate");
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** statx of {@code name} relative to {@code dirfd}, or of {@code dirfd} itself when {@code name} is empty. */
    static Stat statx(int dirfd, String name) throws FsException {
        return statx(dirfd, name.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #statx(int, String)} with a raw name, for entries whose names are not valid UTF-8. */
    static Stat statx(int dirfd, byte[] name) throws FsException {
        int flags = AT_SYMLINK_NOFOLLOW | (name.length == 0 ? AT_EMPTY_PATH : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int rc = (int) STATX.invokeExact(capture, dirfd, cString(arena, name), flags,
                    STATX_BASIC_STATS | STATX_BTIME, buf);
            if (rc < 0) {
                throw new FsException(errno(capture), "statx");
            }
            int mask = buf.get(JAVA_INT, 0);
            int mode = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, 28));
            long size = buf.get(JAVA_LONG, 40);
            Instant atime = instant(buf, 64);
            Instant ctime = instant(buf, 96);
            Instant mtime = instant(buf, 112);
            // Some file systems keep no birth time; the change time is the closest stand-in.
            Instant btime = (mask & STATX_BTIME) != 0 ? instant(buf, 80) : ctime;
            Stat.Type type = switch (mode & S_IFMT) {
                case 0040000 -> Stat.Type.DIRECTORY;
                case 0100000 -> Stat.Type.FILE;
                case 0120000 -> Stat.Type.SYMLINK;
                default -> Stat.Type.OTHER;
            };
            return new Stat(type, size, mode & 07777, atime, mtime, btime);
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    private static Instant instant(MemorySegment buf, long offset) {
        return Instant.ofEpochSecond(buf.get(JAVA_LONG, offset), Integer.toUnsignedLong(buf.get(JAVA_INT, offset + 8)));
    }

    static void mkdirat(int dirfd, String name, int mode) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            if ((int) MKDIRAT.invokeExact(capture, dirfd, arena.allocateFrom(name), mode) < 0) {
                throw new FsException(errno(capture), "mkdirat");
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void unlinkat(int dirfd, byte[] name, int flags) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            if ((int) UNLINKAT.invokeExact(capture, dirfd, cString(arena, name), flags) < 0) {
                throw new FsException(errno(capture), "unlinkat");
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void renameat2(int fromDir, String from, int toDir, String to, int flags) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int rc = (int) RENAMEAT2.invokeExact(capture, fromDir, arena.allocateFrom(from), toDir,
                    arena.allocateFrom(to), flags);
            if (rc < 0) {
                throw new FsException(errno(capture), "renameat2");
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /**
     * Raw names of the entries of the directory open as {@code dirfd} (which stays open), without {@code .} and
     * {@code ..}. Raw bytes, because a name that is not UTF-8 must still be removable by recursive delete.
     */
    static List<byte[]> readdir(int dirfd) throws FsException {
        int copy = dup(dirfd);
        List<byte[]> names = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment dir = (MemorySegment) FDOPENDIR.invokeExact(capture, copy);
            if (dir.address() == 0) {
                int errno = errno(capture);
                close(copy);
                throw new FsException(errno, "fdopendir");
            }
            try {
                while (true) {
                    MemorySegment entry = (MemorySegment) READDIR.invokeExact(capture, dir);
                    if (entry.address() == 0) {
                        break;
                    }
                    // struct dirent on 64-bit Linux: d_ino(8) d_off(8) d_reclen(2) d_type(1) d_name[256].
                    MemorySegment name = entry.reinterpret(19 + 256).asSlice(19);
                    int length = 0;
                    while (length < 256 && name.get(ValueLayout.JAVA_BYTE, length) != 0) {
                        length++;
                    }
                    byte[] bytes = name.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
                    if (!(length == 1 && bytes[0] == '.') && !(length == 2 && bytes[0] == '.' && bytes[1] == '.')) {
                        names.add(bytes);
                    }
                }
            } finally {
                int ignored = (int) CLOSEDIR.invokeExact(capture, dir);
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
        return names;
    }

    static int openatRaw(int dirfd, byte[] name, int flags) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int fd = (int) OPENAT.invokeExact(capture, dirfd, cString(arena, name), flags, 0);
            if (fd < 0) {
                throw new FsException(errno(capture), "openat");
            }
            return fd;
        } catch (FsException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    private static MemorySegment cString(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        s.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return s;
    }

    static MemorySegment allocateCapture(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    /** Nothing to do: calling it runs the class initialiser, which links every downcall above. */
    static void link() {
    }
}
