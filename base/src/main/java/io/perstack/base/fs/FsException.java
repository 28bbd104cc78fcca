package io.perstack.base.fs;

import java.io.IOException;

/**
 * A failed file-system call, identified by its Linux errno value so the kernel path and the fallback report alike
 * and the tools can map each case to the exact texts of docs/base-skill.md.
 */
public final class FsException extends IOException {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;

    private final int errno;

    public FsException(int errno, String operation) {
        super(name(errno) + ": " + operation);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public boolean notFound() {
        return errno == ENOENT;
    }

    /** The kernel refused a symbolic link (RESOLVE_NO_SYMLINKS, O_NOFOLLOW) or a magic link. */
    public boolean symlink() {
        return errno == ELOOP;
    }

    /** RESOLVE_BENEATH refused an escape from the root. */
    public boolean outside() {
        return errno == EXDEV;
    }

    static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EACCES -> "EACCES";
            case EEXIST -> "EEXIST";
            case EXDEV -> "EXDEV";
            case ENOTDIR -> "ENOTDIR";
            case EISDIR -> "EISDIR";
            case EINVAL -> "EINVAL";
            case EFBIG -> "EFBIG";
            case ENOSPC -> "ENOSPC";
            case EROFS -> "EROFS";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS";
            case ENOTEMPTY -> "ENOTEMPTY";
            case ELOOP -> "ELOOP";
            default -> "errno " + errno;
        };
    }
}
