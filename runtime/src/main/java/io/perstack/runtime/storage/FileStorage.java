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
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filesystem backend of docs/storage.md: one directory per job under {@code <root>/jobs}. The encoding is described
 * in {@code package-info.java}. Thread-safe: parallel delegated children write to different runs concurrently, and
 * every file's appends are serialised.
 */
public final class FileStorage implements Storage {
    /** Job lock files held by this JVM; a second channel on a held lock file could release it (POSIX locks). */
    private static final Set<Path> HELD_LOCKS = ConcurrentHashMap.newKeySet();
    /** The TypeScript layout's one-file-per-event names: {@code event-<timestamp>-<step>-<type>.json}. */
    private static final Pattern LEGACY_EVENT = Pattern.compile("event-(\\d{1,19})-(\\d{1,10})-([A-Za-z]{1,64})\\.json");

    private final Layout layout;
    private final Disk disk;
    private final Warnings warnings = new Warnings();
    private final Map<RunKey, RunWriter> writers = new ConcurrentHashMap<>();

    private record RunKey(String jobId, String runId) {}

    public FileStorage(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        this.layout = new Layout(absolute);
        this.disk = new Disk(absolute);
    }

    public Path root() {
        return layout.root();
    }

    // ================================================================ writing

    @Override
    public void beginRun(String jobId, String runId, Checkpoint startingFrom) {
        Path dir = layout.run(jobId, runId);
        RunWriter.Base base = baseOf(jobId, runId, startingFrom);
        withWriter(jobId, runId, w -> {
            w.begin(base);
            return null;
        }, dir);
    }

    @Override
    public void storeCheckpoint(Checkpoint checkpoint) {
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

    @Override
    public void storeEvent(Event event) {
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

    @Override
    public void endRun(String jobId, String runId) {
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

    @Override
    public void storeJob(Job job) {
        write(layout.jobFile(job.id()), Json.writePretty(job).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void storeRunSetting(String jobId, String runId, Object storedForm) {
        write(layout.run(jobId, runId).resolve(Layout.RUN_SETTING_FILE),
                Json.writePretty(storedForm).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public JobLock lockJob(String jobId) {
        Path dir = layout.job(jobId);
        Path lockFile;
        try {
            disk.createDirectories(dir);
            lockFile = dir.toRealPath().resolve(Layout.LOCK_FILE);
        } catch (IOException e) {
            throw failure(dir, e);
        }
        if (!HELD_LOCKS.add(lockFile)) {
            throw new JobInUseException(jobId);
        }
        FileChannel channel = null;
        try {
            channel = disk.openReadWrite(lockFile);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                HELD_LOCKS.remove(lockFile);
                throw new JobInUseException(jobId);
            }
            return new HeldLock(lockFile, channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            HELD_LOCKS.remove(lockFile);
            throw failure(lockFile, e);
        }
    }

    private static final class HeldLock implements JobLock {
        private final Path file;
        private final FileChannel channel;
        private final FileLock lock;
        private boolean released;

        HeldLock(Path file, FileChannel channel, FileLock lock) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // Closing the channel (or the process exiting) releases the lock regardless.
            } finally {
                HELD_LOCKS.remove(file);
            }
        }
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

    private static UncheckedIOException failure(Path path, IOException e) {
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

    // ================================================================ reading

    @Override
    public Optional<Job> retrieveJob(String jobId) {
        return Optional.ofNullable(readJob(layout.jobFile(jobId)));
    }

    @Override
    public List<Job> getAllJobs() {
        List<Job> jobs = new ArrayList<>();
        for (String jobId : validNames(layout.jobs(), Function.identity(), true)) {
            Job job = readJob(layout.jobFile(jobId));
            if (job != null) {
                jobs.add(job);
            }
        }
        jobs.sort(Comparator.comparingLong(Job::startedAt).reversed());
        return jobs;
    }

    @Override
    public List<StoredJob> listJobs() {
        List<StoredJob> jobs = new ArrayList<>();
        for (String jobId : validNames(layout.jobs(), Function.identity(), true)) {
            jobs.add(new StoredJob(jobId, modified(layout.job(jobId)).toMillis()));
        }
        jobs.sort(Comparator.comparingLong(StoredJob::modifiedAt).reversed());
        return jobs;
    }

    @Override
    public Checkpoint retrieveCheckpoint(String jobId, String checkpointId) {
        Path file = layout.checkpoint(jobId, checkpointId);
        Checkpoint c = readCheckpoint(file, new MessageHistories(layout.runs(jobId), warnings));
        if (c == null) {
            throw new NoSuchElementException("Checkpoint " + checkpointId + " not found in job " + jobId);
        }
        return c;
    }

    @Override
    public List<Checkpoint> getCheckpointsByJobId(String jobId) {
        Path dir = layout.checkpoints(jobId);
        MessageHistories histories = new MessageHistories(layout.runs(jobId), warnings);
        record Found(Checkpoint checkpoint, FileTime modified) {}
        List<Found> found = new ArrayList<>();
        for (String id : validNames(dir, name -> name.endsWith(".json")
                ? name.substring(0, name.length() - 5) : null, false)) {
            Path file = layout.checkpoint(jobId, id);
            Checkpoint c = readCheckpoint(file, histories);
            if (c != null) {
                found.add(new Found(c, modified(file)));
            }
        }
        found.sort(Comparator.comparingInt((Found f) -> f.checkpoint().stepNumber())
                .thenComparing(Found::modified));
        return found.stream().map(Found::checkpoint).toList();
    }

    @Override
    public List<String> runIds(String jobId) {
        record Run(String id, long startedAt) {}
        List<Run> runs = new ArrayList<>();
        for (String runId : validNames(layout.runs(jobId), Function.identity(), true)) {
            StoredRunSetting s = readRunSetting(jobId, runId);
            runs.add(new Run(runId, s == null ? Long.MAX_VALUE : s.startedAt()));
        }
        runs.sort(Comparator.comparingLong(Run::startedAt).thenComparing(Run::id));
        return runs.stream().map(Run::id).toList();
    }

    @Override
    public List<StoredRunSetting> getAllRuns() {
        List<StoredRunSetting> runs = new ArrayList<>();
        for (String jobId : validNames(layout.jobs(), Function.identity(), true)) {
            for (String runId : validNames(layout.runs(jobId), Function.identity(), true)) {
                StoredRunSetting s = readRunSetting(jobId, runId);
                if (s != null) {
                    runs.add(s);
                }
            }
        }
        runs.sort(Comparator.comparingLong(StoredRunSetting::updatedAt).reversed());
        return runs;
    }

    @Override
    public List<EventMeta> getEventsByRun(String jobId, String runId) {
        List<EventMeta> metas = new ArrayList<>();
        Path dir = layout.run(jobId, runId);
        for (Path legacy : legacyEventFiles(dir)) {
            Matcher m = LEGACY_EVENT.matcher(legacy.getFileName().toString());
            if (m.matches()) {
                metas.add(new EventMeta(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
            }
        }
        Path file = dir.resolve(Layout.EVENTS_FILE);
        for (ObjectNode tree : storedLines(file)) {
            JsonNode type = tree.get("type");
            if (type == null || !type.isTextual()) {
                warnings.unreadable(file);
                continue;
            }
            metas.add(new EventMeta(tree.path("timestamp").asLong(), step(tree), type.asText()));
        }
        return metas;
    }

    @Override
    public List<Event> getEventContents(String jobId, String runId, Integer maxStep) {
        Path dir = layout.run(jobId, runId);
        MessageHistories histories = new MessageHistories(layout.runs(jobId), warnings);
        List<ObjectNode> trees = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        for (Path legacy : legacyEventFiles(dir)) {
            ObjectNode tree = readObject(legacy);
            if (tree != null) {
                trees.add(tree);
                sources.add(legacy);
            }
        }
        Path file = dir.resolve(Layout.EVENTS_FILE);
        for (ObjectNode tree : storedLines(file)) {
            trees.add(tree);
            sources.add(file);
        }
        List<Event> events = new ArrayList<>(trees.size());
        for (int i = 0; i < trees.size(); i++) {
            ObjectNode tree = trees.get(i);
            Integer step = step(tree);
            if (maxStep != null && step != null && step > maxStep) {
                continue;
            }
            Event e = toEvent(tree, sources.get(i), histories);
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    @Override
    public List<Event> getRuntimeEvents(String jobId, String runId) {
        Path file = layout.run(jobId, runId).resolve(Layout.RUNTIME_EVENTS_FILE);
        List<Event> events = new ArrayList<>();
        for (ObjectNode tree : storedLines(file)) {
            Event e = toEvent(tree, file, null);
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    // ---------------------------------------------------------------- read helpers

    private Job readJob(Path file) {
        ObjectNode tree = readObject(file);
        if (tree == null) {
            return null;
        }
        try {
            return Json.mapper().treeToValue(tree, Job.class);
        } catch (IOException | RuntimeException e) {
            warnings.unreadable(file);
            return null;
        }
    }

    private Checkpoint readCheckpoint(Path file, MessageHistories histories) {
        ObjectNode tree = readObject(file);
        if (tree == null) {
            return null;
        }
        try {
            histories.expandCheckpoint(tree);
            return Json.mapper().treeToValue(tree, Checkpoint.class);
        } catch (IOException | RuntimeException | MessageHistories.Unresolvable e) {
            warnings.unreadable(file);
            return null;
        }
    }

    private StoredRunSetting readRunSetting(String jobId, String runId) {
        Path file = layout.run(jobId, runId).resolve(Layout.RUN_SETTING_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        ObjectNode tree = readObject(file);
        if (tree == null) {
            return null;
        }
        JsonNode expert = tree.get("expertKey");
        return new StoredRunSetting(jobId, runId, expert == null || !expert.isTextual() ? null : expert.asText(),
                tree.path("startedAt").asLong(), tree.path("updatedAt").asLong(), tree);
    }

    private Event toEvent(ObjectNode tree, Path source, MessageHistories histories) {
        try {
            if (histories != null) {
                histories.expandEvent(tree);
            }
            return Json.mapper().treeToValue(tree, Event.class);
        } catch (IOException | RuntimeException | MessageHistories.Unresolvable e) {
            warnings.unreadable(source);
            return null;
        }
    }

    /** A whole-file JSON object, or {@code null} (reported unless the file is simply absent). */
    private ObjectNode readObject(Path file) {
        try {
            JsonNode tree = Json.mapper().readTree(Files.readString(file));
            if (tree instanceof ObjectNode object) {
                return object;
            }
        } catch (NoSuchFileException absent) {
            return null;
        } catch (IOException | RuntimeException e) {
            // Falls through to the report: malformed JSON, invalid UTF-8, a directory in the way.
        }
        warnings.unreadable(file);
        return null;
    }

    /** The parsable object lines of a JSONL file; others are reported once and skipped. */
    private List<ObjectNode> storedLines(Path file) {
        LineScan scan;
        try {
            scan = LineScan.read(file);
        } catch (IOException e) {
            warnings.unreadable(file);
            return List.of();
        }
        List<ObjectNode> trees = new ArrayList<>(scan.lines().size());
        for (String line : scan.lines()) {
            ObjectNode tree = null;
            if (line != null) {
                try {
                    tree = Json.mapper().readTree(line) instanceof ObjectNode o ? o : null;
                } catch (IOException e) {
                    tree = null;
                }
            }
            if (tree == null) {
                warnings.unreadable(file);
            } else {
                trees.add(tree);
            }
        }
        return trees;
    }

    private static Integer step(JsonNode tree) {
        JsonNode step = tree.get("stepNumber");
        return step == null || !step.canConvertToInt() ? null : step.asInt();
    }

    /** The TypeScript layout's event files of a run, oldest first. */
    private static List<Path> legacyEventFiles(Path runDir) {
        record Legacy(Path path, long timestamp, int step) {}
        List<Legacy> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(runDir, "event-*.json")) {
            for (Path p : dir) {
                Matcher m = LEGACY_EVENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    files.add(new Legacy(p, Long.parseLong(m.group(1)), Integer.parseInt(m.group(2))));
                }
            }
        } catch (IOException | NumberFormatException absentOrOdd) {
            return List.of();
        }
        files.sort(Comparator.comparingLong(Legacy::timestamp).thenComparingInt(Legacy::step)
                .thenComparing(l -> l.path().getFileName().toString()));
        return files.stream().map(Legacy::path).toList();
    }

    /**
     * Names in {@code dir} that map (through {@code id}) to a valid id; anything else is not ours and is ignored.
     *
     * @param directories whether to list directories (jobs, runs) or regular files (checkpoints)
     */
    private static List<String> validNames(Path dir, Function<String, String> id, boolean directories) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = id.apply(p.getFileName().toString());
                if (name != null && Ids.isValid(name)
                        && (directories ? Files.isDirectory(p) : Files.isRegularFile(p))) {
                    names.add(name);
                }
            }
        } catch (IOException absent) {
            return List.of();
        }
        names.sort(null);
        return names;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
