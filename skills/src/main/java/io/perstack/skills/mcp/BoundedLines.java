package io.perstack.skills.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into {@code \n}-terminated lines without ever holding more than a limit in memory: a server
 * cannot make us buffer an endless line. What happens at the limit is the caller's choice: a protocol stream treats
 * it as fatal, a diagnostic stream keeps the head of the line and skips the rest.
 */
final class BoundedLines {
    private final InputStream in;
    private final int maxBytes;
    private final boolean truncate;
    private final byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;

    /** A line longer than the limit on a stream that may not truncate. */
    static final class TooLong extends IOException {
        TooLong(int limit) {
            super("message too large (over " + limit + " bytes)");
        }
    }

    BoundedLines(InputStream in, int maxBytes, boolean truncate) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.truncate = truncate;
    }

    /** The next line without its terminator (a trailing {@code \r} is dropped too), or {@code null} at the end. */
    byte[] next() throws IOException {
        ByteArrayOutputStream line = null;
        boolean skipping = false;
        while (true) {
            if (start == end) {
                int n = in.read(buffer);
                if (n < 0) {
                    // A last line without a terminator still counts.
                    return line == null || line.size() == 0 && !skipping ? null : strip(line.toByteArray());
                }
                start = 0;
                end = n;
            }
            int newline = -1;
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int chunkEnd = newline < 0 ? end : newline;
            if (line == null) {
                line = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(256, chunkEnd - start)));
            }
            if (!skipping) {
                int room = maxBytes - line.size();
                int take = chunkEnd - start;
                if (take > room) {
                    if (!truncate) {
                        throw new TooLong(maxBytes);
                    }
                    line.write(buffer, start, room);
                    skipping = true;
                } else {
                    line.write(buffer, start, take);
                }
            }
            if (newline >= 0) {
                start = newline + 1;
                return strip(line.toByteArray());
            }
            start = end;
        }
    }

    private static byte[] strip(byte[] line) {
        if (line.length > 0 && line[line.length - 1] == '\r') {
            return java.util.Arrays.copyOf(line, line.length - 1);
        }
        return line;
    }
}
