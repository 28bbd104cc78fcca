package io.perstack.runtime.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.event.Event;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import io.perstack.runtime.storage.StorageReader.StoredJob;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reading half of {@link FileStorage}: jobs, checkpoints, run settings and events in wire form (histories stored
 * by reference are expanded), the TypeScript layout's one-file-per-event runs included. Needs no lock; a file that
 * cannot be read is skipped with one warning rather than failing the whole listing.
 */
final class FileHistoryReader {
    /** The TypeScript layout's one-file-per-event names: {@code event-<timestamp>-<step>-<type>.json}. */
    private static final Pattern LEGACY_EVENT = Pattern.compile("event-(\\d{1,19})-(\\d{1,10})-([A-Za-z]{1,64})\\.json");

    private final Layout layout;
    private final Warnings warnings = new Warnings();

    FileHistoryReader(Layout layout) {
        this.layout = layout;
    }

    Optional<Job> readJob(String jobId) {
        return Optional.ofNullable(readJob(layout.jobFile(jobId)));
    }

    List<Job> readJobs() {
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

    List<StoredJob> listJobs() {
        List<StoredJob> jobs = new ArrayList<>();
        for (String jobId : validNames(layout.jobs(), Function.identity(), true)) {
            jobs.add(new StoredJob(jobId, modified(layout.job(jobId)).toMillis()));
        }
        jobs.sort(Comparator.comparingLong(StoredJob::modifiedAt).reversed());
        return jobs;
    }

    Checkpoint readCheckpoint(String jobId, String checkpointId) {
        Path file = layout.checkpoint(jobId, checkpointId);
        Checkpoint c = readCheckpoint(file, new MessageHistories(layout.runs(jobId), warnings));
        if (c == null) {
            throw new NoSuchElementException("Checkpoint " + checkpointId + " not found in job " + jobId);
        }
        return c;
    }

    List<Checkpoint> readCheckpoints(String jobId) {
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

    List<String> listRunIds(String jobId) {
        record Run(String id, long startedAt) {}
        List<Run> runs = new ArrayList<>();
        for (String runId : validNames(layout.runs(jobId), Function.identity(), true)) {
            StoredRunSetting s = readRunSetting(jobId, runId);
            runs.add(new Run(runId, s == null ? Long.MAX_VALUE : s.startedAt()));
        }
        runs.sort(Comparator.comparingLong(Run::startedAt).thenComparing(Run::id));
        return runs.stream().map(Run::id).toList();
    }

    List<StoredRunSetting> readRunSettings() {
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

    List<EventMeta> readEventIndex(String jobId, String runId) {
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

    List<Event> readEvents(String jobId, String runId, Integer maxStep) {
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

    List<Event> readRuntimeEvents(String jobId, String runId) {
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
