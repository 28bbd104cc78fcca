package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code readTextFile}: a UTF-8 file or a range of its lines, reading no further than needed. */
public final class ReadTextFileTool implements BaseTool {
    public static final String NAME = "readTextFile";

    private final FileSupport support;

    public ReadTextFileTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Read a UTF-8 text file, optionally a range of lines [from, to). Invalid UTF-8 is replaced by U+FFFD. "
                + "At most the first 64 MiB are read.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("File path, relative to the workspace root or absolute inside it.")
                .prop("from", "number", "First line to return (0-based, default 0).")
                .prop("to", "number", "Line to stop before (exclusive, default: end of file).")
                .build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        Long from = args.optionalNumber("from");
        Long to = args.optionalNumber("to");
        Location location = support.locate(path);
        Stat stat = support.existingFile(location, path);
        if (stat.directory()) {
            throw new ToolFailure("Path " + path + " is a directory.");
        }
        // Only a known, non-negative end lets reading stop early; otherwise slice() needs the line count.
        long stopAt = to != null && to >= 0 && (from == null || from >= 0) ? to : Long.MAX_VALUE;
        List<String> lines;
        try (InputStream in = support.files().openRead(location.parts())) {
            lines = lines(new InputStreamReader(limited(in, FileSupport.TEXT_LIMIT), StandardCharsets.UTF_8), stopAt);
        } catch (FsException e) {
            throw support.failure(e, location);
        } catch (IOException e) {
            throw new ToolFailure("Failed to read " + path + ": " + e.getMessage());
        }
        long fromLine = from == null ? 0 : from;
        long toLine = to == null ? lines.size() : to;
        return ToolOutput.ok(Json.object().put("path", path)
                .put("content", String.join("\n", slice(lines, fromLine, toLine)))
                .put("from", fromLine).put("to", toLine));
    }

    /** Lines split on LF only, like JavaScript's {@code split("\n")}; stops after {@code stopAt} lines. */
    private static List<String> lines(Reader reader, long stopAt) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        char[] buffer = new char[8192];
        int n;
        while (lines.size() < stopAt && (n = reader.read(buffer)) > 0) {
            for (int i = 0; i < n && lines.size() < stopAt; i++) {
                if (buffer[i] == '\n') {
                    lines.add(line.toString());
                    line.setLength(0);
                } else {
                    line.append(buffer[i]);
                }
            }
        }
        if (lines.size() < stopAt) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** {@code Array.prototype.slice} semantics, negative indices counting from the end. */
    private static List<String> slice(List<String> lines, long from, long to) {
        int size = lines.size();
        long start = from < 0 ? Math.max(size + from, 0) : Math.min(from, size);
        long end = to < 0 ? Math.max(size + to, 0) : Math.min(to, size);
        return start >= end ? List.of() : lines.subList((int) start, (int) end);
    }

    private static InputStream limited(InputStream in, long limit) {
        return new InputStream() {
            private long left = limit;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }
}
