package io.perstack.base.fs;

import java.time.Instant;

/** What the tools need to know about one file, taken without following a final symbolic link. */
public record Stat(Type type, long size, int mode, Instant accessed, Instant modified, Instant created) {
    public enum Type { FILE, DIRECTORY, SYMLINK, OTHER }

    /** "Writable" in docs/base-skill.md means the owner write bit: the runtime may run as root, which ignores modes. */
    public boolean ownerWritable() {
        return (mode & 0200) != 0;
    }

    public boolean ownerExecutable() {
        return (mode & 0100) != 0;
    }

    public boolean directory() {
        return type == Type.DIRECTORY;
    }
}
