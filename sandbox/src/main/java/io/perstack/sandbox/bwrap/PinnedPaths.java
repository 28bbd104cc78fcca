package io.perstack.sandbox.bwrap;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Workspace paths held open so bubblewrap binds exactly what we checked. A protected file such as
 * {@code .git/hooks} is bound read-only over itself; naming it by path would let a sandboxed process swap it for a
 * symbolic link to a host secret between our check and the mount. Instead each path is opened beneath the workspace
 * with {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)} and bubblewrap is given {@code /proc/<pid>/fd/<n>},
 * which names the opened inode itself.
 */
final class PinnedPaths implements AutoCloseable {
    private static final long SYS_OPENAT2 = 437; // x86_64 and aarch64 share this number
    private static final long AT_FDCWD = -100;
    private static final long O_PATH = 010000000;
    private static final long O_DIRECTORY = 0200000;
    private static final long O_CLOEXEC = 02000000;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
    private static final long RESOLVE_BENEATH = 0x08;

    private static final MethodHandle SYSCALL;
    private static final MethodHandle CLOSE;

    static {
        MethodHandle syscall = null;
        MethodHandle close = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            syscall = libc.find("syscall").map(s -> linker.downcallHandle(s,
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                    Linker.Option.firstVariadicArg(1))).orElse(null);
            close = libc.find("close").map(s -> linker.downcallHandle(s,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            // Without native access nothing is pinned and protected paths stay unprotected; see available().
        }
        SYSCALL = syscall;
        CLOSE = close;
    }

    /** A path relative to the workspace and the {@code /proc} name of the descriptor holding it. */
    record Pinned(String relative, String procPath) {}

    private final List<Integer> fds;
    private final List<Pinned> pinned;

    private PinnedPaths(List<Integer> fds, List<Pinned> pinned) {
        this.fds = fds;
        this.pinned = pinned;
    }

    static boolean available() {
        return SYSCALL != null && CLOSE != null;
    }

    /** Opens those of {@code relatives} that exist beneath {@code root} without crossing a symbolic link. */
    static PinnedPaths open(Path root, List<String> relatives) {
        List<Integer> fds = new ArrayList<>();
        List<Pinned> pinned = new ArrayList<>();
        if (!available() || relatives.isEmpty()) {
            return new PinnedPaths(fds, pinned);
        }
        long self = ProcessHandle.current().pid();
        try (Arena arena = Arena.ofConfined()) {
            int rootFd = openat2(arena, AT_FDCWD, root.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            if (rootFd < 0) {
                return new PinnedPaths(fds, pinned);
            }
            fds.add(rootFd);
            for (String relative : relatives) {
                int fd = openat2(arena, rootFd, relative, O_PATH | O_CLOEXEC,
                        RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
                if (fd >= 0) {
                    fds.add(fd);
                    pinned.add(new Pinned(relative, "/proc/" + self + "/fd/" + fd));
                }
            }
        }
        return new PinnedPaths(fds, pinned);
    }

    private static int openat2(Arena arena, long dirFd, String path, long flags, long resolve) {
        MemorySegment how = arena.allocate(24, 8);
        how.set(ValueLayout.JAVA_LONG, 0, flags);
        how.set(ValueLayout.JAVA_LONG, 8, 0);
        how.set(ValueLayout.JAVA_LONG, 16, resolve);
        try {
            return (int) (long) SYSCALL.invokeExact(SYS_OPENAT2, dirFd, arena.allocateFrom(path), how, 24L);
        } catch (Throwable e) {
            return -1;
        }
    }

    List<Pinned> pinned() {
        return pinned;
    }

    @Override
    public void close() {
        for (int fd : fds) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable e) {
                // nothing more to do for a descriptor that will not close
            }
        }
        fds.clear();
    }
}
