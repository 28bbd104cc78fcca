package io.perstack.runtime.storage;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The complete lines of a JSONL file as a reader sees them: a final line without {@code '\n'} is a write in progress
 * or a crash during append and is left out (docs/storage.md §3); a line longer than the stored-line limit is kept as
 * {@code null} so positions stay meaningful and the caller can report it (docs/events.md §8).
 *
 * @param lines   one entry per complete line, {@code null} for an oversized one
 * @param missing whether the file did not exist
 */
record LineScan(List<String> lines, boolean missing) {
    static final int MAX_LINE_BYTES = 64 * 1024 * 1024;

    static LineScan read(Path file) throws IOException {
        return read(file, MAX_LINE_BYTES);
    }

    static LineScan read(Path file, int maxLineBytes) throws IOException {
        List<String> lines = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            boolean oversized = false;
            byte[] chunk = new byte[1 << 16];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') {
                        continue;
                    }
                    if (!oversized) {
                        if (line.size() + (i - from) > maxLineBytes) {
                            oversized = true;
                        } else {
                            line.write(chunk, from, i - from);
                        }
                    }
                    lines.add(oversized ? null : line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    oversized = false;
                    from = i + 1;
                }
                if (!oversized && from < n) {
                    if (line.size() + (n - from) > maxLineBytes) {
                        oversized = true;
                        line.reset();
                    } else {
                        line.write(chunk, from, n - from);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return new LineScan(List.of(), true);
        }
        return new LineScan(lines, false);
    }
}
