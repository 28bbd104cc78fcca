package io.perstack.runtime.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One JSONL file opened for appending whole lines. Appends are serialised per file (parallel runs never share a
 * file, but a run's runtime events may come from several threads). A torn tail left by a crash is cut back to the
 * last complete line on open so the next line does not glue onto it (docs/storage.md §3).
 */
final class AppendFile implements AutoCloseable {
    private static final int SCAN_CHUNK = 8192;

    private final Path path;
    private final FileChannel channel;
    private long size;
    private boolean dirty;

    private AppendFile(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    static AppendFile open(Disk disk, Path path) throws IOException {
        FileChannel channel = disk.openReadWrite(path);
        try {
            long size = channel.size();
            long complete = endOfLastCompleteLine(channel, size);
            if (complete < size) {
                channel.truncate(complete);
                channel.force(false);
            }
            return new AppendFile(path, channel, complete);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    /** Bytes of complete lines in the file. */
    synchronized long size() {
        return size;
    }

    /** Appends one line; {@code line} must end with {@code '\n'} and contain no other newline. */
    synchronized void append(byte[] line) throws IOException {
        long at = size;
        ByteBuffer buffer = ByteBuffer.wrap(line);
        try {
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
        } catch (IOException e) {
            // A half-written line would become a torn tail in the middle of the file once the next append lands.
            try {
                channel.truncate(size);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        size = at;
        dirty = true;
    }

    /** Cuts the file back to {@code length} bytes (a line boundary) and makes the cut durable. */
    synchronized void truncate(long length) throws IOException {
        if (length < size) {
            channel.truncate(length);
            channel.force(false);
            size = length;
        }
    }

    synchronized void sync() throws IOException {
        if (dirty) {
            channel.force(false);
            dirty = false;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            sync();
        } finally {
            channel.close();
        }
    }

    private static long endOfLastCompleteLine(FileChannel channel, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SCAN_CHUNK);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - SCAN_CHUNK);
            buffer.clear().limit((int) (end - start));
            long at = start;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at);
                if (n < 0) {
                    throw new IOException("File shrank while reading " + channel);
                }
                at += n;
            }
            for (int i = (int) (end - start) - 1; i >= 0; i--) {
                if (buffer.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }
}
