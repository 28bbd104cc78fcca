package io.perstack.runtime.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessageRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writing half of {@link FileStorage}: run segments with their append-only logs, checkpoints and events in
 * stored form (every embedded history replaced by a reference, docs/storage.md §5), and whole-file records replaced
 * atomically. Thread-safe: parallel delegated children write to different runs concurrently, and every file's
 * appends are serialised by its run's writer.
 */
final class FileHistoryWriter {
    private final Layout layout;
    private final Disk disk;
    private final Map<RunKey, RunWriter> writers = new ConcurrentHashMap<>();

    private record RunKey(String jobId, String runId) {}

    FileHistoryWriter(Layout layout, Disk disk) {
        this.layout = layout;
        this.disk = disk;
    }

    void beginRun(String jobId, String runId, Checkpoint startingFrom) {
        Path dir = layout.run(jobId, runId);
        RunWriter.Base base = baseOf(jobId, runId, startingFrom);
        withWriter(jobId, runId, w -> {
            w.begin(base);
            return null;
        }, dir);
    }

    void writeCheckpoint(Checkpoint checkpoint) {
        String jobId = checkpoint.jobId();
        Path file = layout.checkpoint(jobId, checkpoint.id());
        Path runDir = layout.run(jobId, checkpoint.runId());
        Checkpoint stored = withWriter(jobId, checkpoint.runId(), w -> {
            Checkpoint s = checkpoint.messages() == null ? checkpoint : storedForm(checkpoint, w);
            // The log lines the reference points at are durable before the checkpoint names them.
            w.sync();
            return s;
        }, runDir);
        write(file, Json.writeBytes(stored));
    }

    void appendEvent(Event event) {
        Path runDir = layout.run(event.jobId(), event.runId());
        if (event.isRuntime()) {
            byte[] line = line(Json.writeBytes(event));
            withWriter(event.jobId(), event.runId(), w -> {
                w.appendRuntimeEvent(line);
                return null;
            }, runDir);
        } else if (event.isPersisted()) {
            byte[] line = line(storedForm(event));
            withWriter(event.jobId(), event.runId(), w -> {
                w.appendEvent(line);
                return null;
            }, runDir);
        }
    }

    void endRun(String jobId, String runId) {
        Path dir = layout.run(jobId, runId);
        RunWriter w = writers.remove(new RunKey(jobId, runId));
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                throw failure(dir, e);
            }
        }
    }

    void writeJob(Job job) {
        write(layout.jobFile(job.id()), Json.writePretty(job).getBytes(StandardCharsets.UTF_8));
    }

    void writeJobProgress(Job job) {
        Path file = layout.jobFile(job.id());
        try {
            disk.replaceUnforced(file, Json.writePretty(job).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    void writeRunSetting(String jobId, String runId, Object storedForm) {
        write(layout.run(jobId, runId).resolve(Layout.RUN_SETTING_FILE),
                Json.writePretty(storedForm).getBytes(StandardCharsets.UTF_8));
    }


    // ---------------------------------------------------------------- write helpers

    @FunctionalInterface
    private interface WriterAction<T> {
        T apply(RunWriter writer) throws IOException;
    }

    /** Runs {@code action} on the run's writer, opening it on first use and reopening it if endRun raced us. */
    private <T> T withWriter(String jobId, String runId, WriterAction<T> action, Path dir) {
        RunKey key = new RunKey(jobId, runId);
        while (true) {
            RunWriter w;
            try {
                w = writers.computeIfAbsent(key, k -> {
                    try {
                        return RunWriter.open(disk, dir, runId);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw failure(dir, e.getCause());
            }
            try {
                return action.apply(w);
            } catch (RunWriter.Closed closed) {
                writers.remove(key, w);
            } catch (IOException e) {
                throw failure(dir, e);
            }
        }
    }

    private void write(Path file, byte[] content) {
        try {
            disk.replace(file, content);
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    static UncheckedIOException failure(Path path, IOException e) {
        return new UncheckedIOException("Storage write failed for " + path + ": " + e.getMessage(), e);
    }

    private static byte[] line(byte[] json) {
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    /**
     * The history a new run continues. A checkpoint that came from storage names it by {@code messageRef}; one
     * held in memory (a parallel delegation's parent, an embedding caller's copy) is looked up by its stored id;
     * otherwise the run starts with an empty base and its own log receives the whole history once.
     */
    private RunWriter.Base baseOf(String jobId, String runId, Checkpoint from) {
        if (from == null) {
            return RunWriter.Base.EMPTY;
        }
        List<Message> messages = from.messages();
        boolean sameJob = from.jobId() == null || from.jobId().equals(jobId);
        if (!sameJob || (messages != null && messages.isEmpty())) {
            return RunWriter.Base.EMPTY;
        }
        String lastId = messages == null ? null : messages.getLast().id();
        MessageRef ref = from.messageRef();
        if (usableBase(jobId, runId, ref, messages)) {
            return new RunWriter.Base(ref, lastId);
        }
        if (messages != null && Ids.isValid(from.id())) {
            MessageRef stored = storedRef(jobId, from.id());
            if (usableBase(jobId, runId, stored, messages)) {
                return new RunWriter.Base(stored, lastId);
            }
        }
        return RunWriter.Base.EMPTY;
    }

    private boolean usableBase(String jobId, String runId, MessageRef ref, List<Message> messages) {
        return ref != null && ref.count() > 0 && Ids.isValid(ref.runId()) && !ref.runId().equals(runId)
                && (messages == null || messages.size() == ref.count())
                && Files.isRegularFile(layout.run(jobId, ref.runId()).resolve(Layout.MESSAGES_FILE));
    }

    private MessageRef storedRef(String jobId, String checkpointId) {
        try {
            JsonNode ref = Json.mapper().readTree(Files.readString(layout.checkpoint(jobId, checkpointId)))
                    .get("messageRef");
            return ref == null ? null : MessageHistories.parseRef(ref);
        } catch (IOException | RuntimeException | MessageHistories.Unresolvable notUsable) {
            return null;
        }
    }

    private static Checkpoint storedForm(Checkpoint checkpoint, RunWriter writer) throws IOException {
        MessageRef ref = writer.record(checkpoint.messages());
        return checkpoint.toBuilder().messages(null).messageRef(ref).build();
    }

    /** An embedded checkpoint's history goes to the log of the run it belongs to (normally the event's run). */
    private Checkpoint embedded(Event event, Checkpoint checkpoint) {
        if (checkpoint == null || checkpoint.messages() == null) {
            return checkpoint;
        }
        String runId = Ids.isValid(checkpoint.runId()) && event.jobId().equals(checkpoint.jobId())
                ? checkpoint.runId() : event.runId();
        return withWriter(event.jobId(), runId, w -> storedForm(checkpoint, w), layout.run(event.jobId(), runId));
    }

    /** The stored form of a state or streaming event: every embedded history replaced by a reference (§5.5). */
    private byte[] storedForm(Event event) {
        EventPayload p = event.payload();
        EventPayload stored = switch (p) {
            case EventPayload.StartRun s -> new EventPayload.StartRun(embedded(event, s.initialCheckpoint()),
                    s.inputMessages());
            case EventPayload.ContinueToNextStep s -> new EventPayload.ContinueToNextStep(
                    embedded(event, s.checkpoint()), s.step(), embedded(event, s.nextCheckpoint()));
            case EventPayload.StopRunByInteractiveTool s -> new EventPayload.StopRunByInteractiveTool(
                    embedded(event, s.checkpoint()), s.step());
            case EventPayload.StopRunByDelegate s -> new EventPayload.StopRunByDelegate(
                    embedded(event, s.checkpoint()), s.step());
            case EventPayload.StopRunByExceededMaxSteps s -> new EventPayload.StopRunByExceededMaxSteps(
                    embedded(event, s.checkpoint()), s.step());
            case EventPayload.StopRunByError s -> new EventPayload.StopRunByError(embedded(event, s.checkpoint()),
                    s.step(), s.error());
            case EventPayload.CompleteRun s -> new EventPayload.CompleteRun(embedded(event, s.checkpoint()),
                    s.step(), s.text(), s.usage());
            default -> p;
        };
        if (p instanceof EventPayload.StartGeneration g && g.messages() != null) {
            MessageRef ref = withWriter(event.jobId(), event.runId(), w -> w.record(g.messages()),
                    layout.run(event.jobId(), event.runId()));
            ObjectNode tree = Json.mapper().valueToTree(withPayload(event, new EventPayload.StartGeneration(null)));
            tree.set("messageRef", Json.mapper().valueToTree(ref));
            return Json.writeBytes(tree);
        }
        return Json.writeBytes(stored == p ? event : withPayload(event, stored));
    }

    private static Event withPayload(Event e, EventPayload payload) {
        return new Event(e.id(), e.expertKey(), e.timestamp(), e.jobId(), e.runId(), e.stepNumber(), payload);
    }
}
