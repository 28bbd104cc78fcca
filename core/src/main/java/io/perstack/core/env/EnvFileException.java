package io.perstack.core.env;

import java.nio.file.Path;

/**
 * An env file that cannot be used: too large, unreadable, or with a malformed line. The message names the file and
 * line but never quotes the line, because it may hold a secret.
 */
public final class EnvFileException extends RuntimeException {
    private final transient Path file;
    private final int line;

    public EnvFileException(Path file, int line, String message) {
        super(message);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based line of the problem; 0 when the whole file is the problem. */
    public int line() {
        return line;
    }
}
