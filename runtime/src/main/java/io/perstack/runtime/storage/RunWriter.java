package io.perstack.runtime.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessageRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The write side of one run directory: its three JSONL files and what its message log already covers. The log is
 * told the run's full history at every checkpoint and appends only the messages beyond {@link #known}, which is what
 * keeps a step's cost independent of the history's length (docs/storage.md §5).
 */
final class RunWriter implements AutoCloseable {
    private static final ObjectWriter MESSAGE = Json.mapper().writerFor(Message.class);

    /** The history a run continues: a reference into another run's log and, when known, its last message id. */
    record Base(MessageRef ref, String lastMessageId) {
        static final Base EMPTY = new Base(null, null);

        int count() {
            return ref == null ? 0 : ref.count();
        }
    }

    /** Thrown when a writer was closed by {@code endRun} while another thread still held it; callers reopen. */
    static final class Closed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Closed() {
            super(null, null, false, false);
        }
    }

    private final Disk disk;
    private final Path dir;
    private final String runId;
    private AppendFile messages;
    private AppendFile events;
    private AppendFile runtimeEvents;
    private boolean headerWritten;
    /** Length of the history the log can materialise: the base's length plus the messages appended. */
    private int known;
    /** Id of message {@code known - 1}, to refuse a history that does not extend what is logged. */
    private String lastMessageId;
    /** For a log found on disk, until its first record: what it held, to find an uncommitted tail. */
    private Reopened reopened;
    private boolean closed;

    /**
     * A message log as found when its run was picked up again: the base length, and each message line's id and the
     * byte offset just past it.
     */
    private record Reopened(int baseCount, List<String> ids, long[] lineEnds) {}

    private RunWriter(Disk disk, Path dir, String runId) {
        this.disk = disk;
        this.dir = dir;
        this.runId = runId;
    }

    /** Opens a run's writer, picking up an existing log (after repairing its torn tail) without rewriting it. */
    static RunWriter open(Disk disk, Path dir, String runId) throws IOException {
        RunWriter w = new RunWriter(disk, dir, runId);
        Path log = dir.resolve(Layout.MESSAGES_FILE);
        if (Files.exists(log)) {
            w.messages = AppendFile.open(disk, log);
            List<String> lines = LineScan.read(log).lines();
            if (!lines.isEmpty()) {
                MessageRef base = MessageHistories.parseHeader(lines.getFirst());
                if (base == MessageHistories.BAD_HEADER) {
                    w.messages.close();
                    throw new IOException("Unreadable message log header in " + log);
                }
                w.headerWritten = true;
                w.known = (base == null ? 0 : base.count()) + lines.size() - 1;
                w.lastMessageId = lines.size() > 1 ? idOf(lines.getLast()) : null;
                List<String> ids = new java.util.ArrayList<>(lines.size() - 1);
                long[] ends = new long[lines.size()];
                long at = 0;
                for (int i = 0; i < lines.size(); i++) {
                    at += lines.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
                    ends[i] = at;
                    if (i > 0) {
                        ids.add(idOf(lines.get(i)));
                    }
                }
                w.reopened = new Reopened(base == null ? 0 : base.count(), ids, ends);
            }
        }
        return w;
    }

    /** Sets the base of a new log; a log that already has a header keeps it (logs are never rewritten). */
    synchronized void begin(Base base) throws IOException {
        ensureOpen();
        if (!headerWritten) {
            writeHeader(base);
        }
    }

    /**
     * Makes {@code history} (the run's full history) materialisable from this log and returns its reference.
     * Only messages the log does not cover yet are written, in one append.
     */
    synchronized MessageRef record(List<Message> history) throws IOException {
        ensureOpen();
        if (!headerWritten) {
            writeHeader(Base.EMPTY);
        }
        int n = history.size();
        if (reopened != null) {
            cutUncommittedTail(history);
            reopened = null;
        }
        if (n > known) {
            if (known > 0 && lastMessageId != null && !lastMessageId.equals(history.get(known - 1).id())) {
                throw new IllegalStateException("The history given for run " + runId
                        + " does not extend the messages already stored for it");
            }
            ByteArrayOutputStream lines = new ByteArrayOutputStream();
            for (int i = known; i < n; i++) {
                lines.writeBytes(MESSAGE.writeValueAsBytes(history.get(i)));
                lines.write('\n');
            }
            messages.append(lines.toByteArray());
            known = n;
            lastMessageId = history.getLast().id();
        }
        return new MessageRef(runId, n);
    }

    synchronized void appendEvent(byte[] line) throws IOException {
        ensureOpen();
        if (events == null) {
            events = AppendFile.open(disk, dir.resolve(Layout.EVENTS_FILE));
        }
        events.append(line);
    }

    synchronized void appendRuntimeEvent(byte[] line) throws IOException {
        ensureOpen();
        if (runtimeEvents == null) {
            runtimeEvents = AppendFile.open(disk, dir.resolve(Layout.RUNTIME_EVENTS_FILE));
        }
        runtimeEvents.append(line);
    }

    /** Step boundary: everything appended so far becomes durable before the step's checkpoint is renamed in. */
    synchronized void sync() throws IOException {
        ensureOpen();
        for (AppendFile f : new AppendFile[] {messages, events, runtimeEvents}) {
            if (f != null) {
                f.sync();
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        for (AppendFile f : new AppendFile[] {messages, events, runtimeEvents}) {
            if (f == null) {
                continue;
            }
            try {
                f.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new Closed();
        }
    }

    /**
     * A run picked up again after a crash may end with the messages of a step whose checkpoint never became durable
     * (the crash came between appending them and renaming the checkpoint in). Nothing references those lines:
     * checkpoints are renamed in only after their lines are synced, and events store the history of a checkpoint
     * already written. The history now being recorded continues the last durable checkpoint, so where it departs
     * from the log, the rest of the log is that uncommitted step: it is cut like a torn tail (docs/storage.md §3), and
     * the history is appended after the part they share.
     */
    private void cutUncommittedTail(List<Message> history) throws IOException {
        Reopened r = reopened;
        int shared = r.baseCount();
        while (shared < known && shared < history.size()
                && java.util.Objects.equals(r.ids().get(shared - r.baseCount()), history.get(shared).id())) {
            shared++;
        }
        if (shared == known || shared < r.baseCount()) {
            return; // the history extends the log (or departs from it inside the base: the caller's error)
        }
        messages.truncate(r.lineEnds()[shared - r.baseCount()]);
        known = shared;
        lastMessageId = shared > r.baseCount() ? r.ids().get(shared - r.baseCount() - 1) : null;
    }

    private void writeHeader(Base base) throws IOException {
        if (messages == null) {
            messages = AppendFile.open(disk, dir.resolve(Layout.MESSAGES_FILE));
        }
        ObjectNode header = Json.object();
        if (base.ref() == null) {
            header.putNull("base");
        } else {
            header.set("base", Json.mapper().valueToTree(base.ref()));
        }
        byte[] json = Json.writeBytes(header);
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        messages.append(line);
        headerWritten = true;
        known = base.count();
        lastMessageId = base.lastMessageId();
    }

    private static String idOf(String messageLine) {
        if (messageLine == null) {
            return null;
        }
        try {
            JsonNode id = Json.mapper().readTree(messageLine).get("id");
            return id == null || !id.isTextual() ? null : id.asText();
        } catch (IOException e) {
            return null;
        }
    }
}
