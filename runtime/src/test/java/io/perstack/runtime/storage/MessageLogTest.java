package io.perstack.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.event.Event;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.MessageRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The message log of docs/storage.md §5 and its six invariants. */
class MessageLogTest {
    private static final String JOB = "job1";

    @TempDir
    Path root;

    private Path runDir(String runId) {
        return root.resolve("jobs").resolve(JOB).resolve("runs").resolve(runId);
    }

    private List<String> logLines(String runId) throws IOException {
        return Files.readAllLines(runDir(runId).resolve("messages.jsonl"));
    }

    /** Invariant 1 for every checkpoint the recorder saw on stdout. */
    private static void assertEveryEmittedCheckpointMaterialises(Storage storage, Recorder recorder) {
        List<JsonNode> emitted = recorder.emittedCheckpoints();
        assertThat(emitted).isNotEmpty();
        for (JsonNode wire : emitted) {
            Checkpoint read = storage.readCheckpoint(JOB, wire.get("id").asText());
            JsonNode readJson = Json.mapper().valueToTree(read);
            assertThat(Json.write(readJson.get("messages")))
                    .as("history of checkpoint %s", wire.get("id"))
                    .isEqualTo(Json.write(wire.get("messages")));
        }
    }

    @Test
    void everyCheckpointMaterialisesToTheHistoryEmittedOnStdout() {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver run = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 50);
        for (int i = 0; i < 5; i++) {
            run.toolStep();
        }
        Checkpoint stopped = run.stopForAnswer();
        Checkpoint resumed = storage.readCheckpoint(JOB, stopped.id());
        RunDriver next = RunDriver.continuing(storage, recorder.emitter, resumed, "runb", 50);
        next.toolStep();
        next.complete("All done");

        assertEveryEmittedCheckpointMaterialises(storage, recorder);
        // A fresh storage instance (another process) reads the same histories.
        assertEveryEmittedCheckpointMaterialises(new FileStorage(root), recorder);
        assertThat(new FileStorage(root).readCheckpoints(JOB)).hasSize(recorder.emittedCheckpoints().size());
    }

    @Test
    void storedCheckpointsCarryAReferenceInsteadOfMessages() throws IOException {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver run = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 50);
        run.toolStep();
        run.toolStep();
        Checkpoint last = run.stopForAnswer();

        JsonNode stored = Json.tree(Files.readString(
                root.resolve("jobs/" + JOB + "/checkpoints/" + last.id() + ".json")));
        assertThat(stored.has("messages")).isFalse();
        assertThat(stored.get("messageRef").get("runId").asText()).isEqualTo("runa");
        assertThat(stored.get("messageRef").get("count").asInt()).isEqualTo(last.messages().size()).isEqualTo(6);

        Checkpoint read = storage.readCheckpoint(JOB, last.id());
        assertThat(read.messages()).isEqualTo(last.messages());
        assertThat(read.messageRef()).isEqualTo(new MessageRef("runa", 6));
    }

    @Test
    void aFreshRunsLogHasAnEmptyBaseAndOneLinePerMessage() throws IOException {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver run = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 50);
        run.toolStep();
        run.toolStep();
        Checkpoint last = run.stopForAnswer();

        List<String> lines = logLines("runa");
        assertThat(lines.getFirst()).isEqualTo("{\"base\":null}");
        assertThat(lines).hasSize(1 + last.messages().size());
        for (int i = 0; i < last.messages().size(); i++) {
            assertThat(Json.tree(lines.get(i + 1)).get("id").asText()).isEqualTo(last.messages().get(i).id());
        }
    }

    @Test
    void aContinuationReferencesItsStartingHistoryInsteadOfCopyingIt() throws IOException {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver run = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 50);
        run.toolStep();
        Checkpoint stopped = run.stopForAnswer();

        RunDriver next = RunDriver.continuing(storage, recorder.emitter, storage.readCheckpoint(JOB, stopped.id()),
                "runb", 50);
        next.toolStep();
        next.complete("done");

        List<String> lines = logLines("runb");
        assertThat(Json.tree(lines.getFirst())).isEqualTo(Json.tree("{\"base\":{\"runId\":\"runa\",\"count\":4}}"));
        // user message + expert + tool + final answer: only what run b added.
        assertThat(lines).hasSize(1 + 4);
        assertEveryEmittedCheckpointMaterialises(storage, recorder);
    }

    @Test
    void aCopyWithoutReferenceIsRecognisedByItsStoredCheckpointId() throws IOException {
        // JobRunner's parallel-delegation return hands beginRun the parent's in-memory stop checkpoint.
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver parent = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 50);
        parent.toolStep();
        Checkpoint stop = parent.stopForDelegate();
        assertThat(stop.messageRef()).isNull();

        RunDriver back = RunDriver.continuing(storage, recorder.emitter, stop.toBuilder().runId("runc").build(),
                "runc", 50);
        back.complete("done");

        List<String> lines = logLines("runc");
        assertThat(Json.tree(lines.getFirst())).isEqualTo(Json.tree("{\"base\":{\"runId\":\"runa\",\"count\":4}}"));
        assertThat(lines).hasSize(1 + 2);
        assertEveryEmittedCheckpointMaterialises(storage, recorder);
    }

    @Test
    void aHistoryStorageHasNeverSeenIsStoredOnceInTheNewRunsLog() throws IOException {
        // An embedding application may start a run from a checkpoint it built or kept from another storage.
        FileStorage other = new FileStorage(root.resolve("elsewhere"));
        RunDriver foreign = RunDriver.fresh(other, new Recorder(other).emitter, JOB, "runx", 50);
        foreign.toolStep();
        Checkpoint outside = foreign.stopForAnswer();

        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver run = RunDriver.continuing(storage, recorder.emitter, outside, "runa", 50);
        run.toolStep();
        run.complete("done");

        List<String> lines = logLines("runa");
        assertThat(lines.getFirst()).isEqualTo("{\"base\":null}");
        // 4 inherited messages once, then user, expert, tool, answer.
        assertThat(lines).hasSize(1 + 4 + 4);
        assertEveryEmittedCheckpointMaterialises(storage, recorder);
    }

    @Test
    void aDelegatedChildStartsWithAnEmptyBase() throws IOException {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver parent = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 50);
        parent.toolStep();
        Checkpoint stop = parent.stopForDelegate();
        RunDriver child = RunDriver.child(storage, recorder.emitter, stop, "runchild", 50);
        child.toolStep();
        Checkpoint done = child.complete("child result");

        assertThat(logLines("runchild").getFirst()).isEqualTo("{\"base\":null}");
        assertThat(storage.readCheckpoint(JOB, done.id()).messages()).hasSize(5).isEqualTo(done.messages());
        assertEveryEmittedCheckpointMaterialises(storage, recorder);
    }

    @Test
    void aRunPickedUpAfterACrashBetweenLogAndCheckpointDropsTheUncommittedStep() throws IOException {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver run = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 50);
        run.toolStep();
        storage.endRun(JOB, "runa");
        Checkpoint committed = storage.readCheckpoints(JOB).getLast();
        // The next step's messages reach the log, then the process dies before its checkpoint is renamed in.
        List<String> before = logLines("runa");
        Checkpoint uncommitted = committed.toBuilder().id(Ids.next()).messageRef(null).build()
                .withMessagesAppended(List.of(RunDriver.user("lost 1"), RunDriver.user("lost 2")));
        storage.writeCheckpoint(uncommitted);
        storage.endRun(JOB, "runa");
        Files.delete(root.resolve("jobs").resolve(JOB).resolve("checkpoints").resolve(uncommitted.id() + ".json"));
        assertThat(logLines("runa")).hasSize(before.size() + 2);

        // Another process picks the same run up at the last durable checkpoint and records one more message.
        FileStorage next = new FileStorage(root);
        Checkpoint extended = committed.toBuilder().id(Ids.next())
                .messageRef(null).build().withMessagesAppended(List.of(RunDriver.user("after the crash")));
        next.writeCheckpoint(extended);
        next.endRun(JOB, "runa");

        assertThat(new FileStorage(root).readCheckpoint(JOB, extended.id()).messages()
                .equals(extended.messages())).isTrue();
        assertThat(new FileStorage(root).readCheckpoint(JOB, committed.id()).messages()
                .equals(committed.messages())).isTrue();
        assertThat(logLines("runa")).hasSize(before.size() + 1).startsWith(before.toArray(String[]::new));
    }

    @Test
    void logsOnlyEverGrowAtTheEnd() throws IOException {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        Map<Path, byte[]> previous = new HashMap<>();
        RunDriver a = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 40);
        for (int i = 0; i < 4; i++) {
            a.toolStep();
            assertAppendOnly(previous);
        }
        Checkpoint stop = a.stopForAnswer();
        assertAppendOnly(previous);
        RunDriver b = RunDriver.continuing(storage, recorder.emitter, storage.readCheckpoint(JOB, stop.id()),
                "runb", 40);
        for (int i = 0; i < 3; i++) {
            b.toolStep();
            assertAppendOnly(previous);
        }
        b.complete("done");
        assertAppendOnly(previous);
        assertThat(previous.keySet()).extracting(p -> p.getFileName().toString())
                .contains("messages.jsonl", "events.jsonl", "runtime-events.jsonl");
    }

    /** Every JSONL file starts with all the bytes it had at the previous call (invariant 2). */
    private void assertAppendOnly(Map<Path, byte[]> previous) throws IOException {
        try (var files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                byte[] now = Files.readAllBytes(p);
                byte[] before = previous.get(p);
                if (before != null) {
                    assertThat(now.length).as("%s", p).isGreaterThanOrEqualTo(before.length);
                    assertThat(java.util.Arrays.copyOf(now, before.length)).as("prefix of %s", p).isEqualTo(before);
                }
                previous.put(p, now);
            }
        }
    }

    @Test
    void branchingFromAnOlderCheckpointLeavesTheAbandonedBranchReadable() throws IOException {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver a = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 40);
        List<Checkpoint> steps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            a.toolStep();
        }
        a.stopForAnswer();
        steps.addAll(storage.readCheckpoints(JOB));
        List<String> branchAJson = steps.stream().map(Json::write).toList();
        List<String> eventsA = storage.readEvents(JOB, "runa", null).stream().map(Json::write).toList();
        byte[] logA = Files.readAllBytes(runDir("runa").resolve("messages.jsonl"));

        // --resume-from the checkpoint that ended step 2.
        Checkpoint older = steps.stream().filter(c -> c.stepNumber() == 2).findFirst().orElseThrow();
        RunDriver b = RunDriver.continuing(storage, recorder.emitter, storage.readCheckpoint(JOB, older.id()),
                "runb", 40);
        b.toolStep();
        Checkpoint end = b.complete("other branch");

        assertThat(Files.readAllBytes(runDir("runa").resolve("messages.jsonl"))).isEqualTo(logA);
        FileStorage reader = new FileStorage(root);
        for (int i = 0; i < steps.size(); i++) {
            assertThat(Json.write(reader.readCheckpoint(JOB, steps.get(i).id()))).isEqualTo(branchAJson.get(i));
        }
        assertThat(reader.readEvents(JOB, "runa", null).stream().map(Json::write).toList()).isEqualTo(eventsA);
        assertThat(Json.tree(logLines("runb").getFirst()).get("base").get("count").asInt())
                .isEqualTo(older.messages().size());
        Checkpoint branched = reader.readCheckpoint(JOB, end.id());
        assertThat(branched.messages().subList(0, older.messages().size())).isEqualTo(older.messages());
        assertThat(branched.messages()).hasSize(older.messages().size() + 4);
        assertEveryEmittedCheckpointMaterialises(reader, recorder);
    }

    @Test
    void bytesWrittenForAStepDoNotGrowWithTheStepNumber() throws IOException {
        long[] deltas20 = perStepBytes(root.resolve("a"), 20);
        long[] deltas200 = perStepBytes(root.resolve("b"), 200);
        long last20 = deltas20[19];
        long last200 = deltas200[199];
        // Only the digits of step numbers and counts differ between step 20 and step 200.
        assertThat(Math.abs(last200 - last20)).isLessThanOrEqualTo(48);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 10; i < 200; i++) {
            min = Math.min(min, deltas200[i]);
            max = Math.max(max, deltas200[i]);
        }
        assertThat(max - min).as("spread of per-step bytes over steps 11..200").isLessThanOrEqualTo(48);
        // Control: the history at step 200 is far larger than a step, so copying it anywhere would show above.
        long history = Files.size(root.resolve("b/jobs/" + JOB + "/runs/runa/messages.jsonl"));
        assertThat(history).isGreaterThan(20 * last200);
    }

    /** Bytes added under the storage root by each tool step of a run of {@code steps} steps. */
    private static long[] perStepBytes(Path storageRoot, int steps) throws IOException {
        FileStorage storage = new FileStorage(storageRoot);
        RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, JOB, "runa", 1000);
        long[] deltas = new long[steps];
        long before = Recorder.totalBytes(storageRoot);
        for (int i = 0; i < steps; i++) {
            run.toolStep();
            long after = Recorder.totalBytes(storageRoot);
            deltas[i] = after - before;
            before = after;
        }
        return deltas;
    }

    @Test
    void storedEventsReferenceHistoriesAndReadBackAsTheEmittedWireEvents() throws IOException {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver run = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 50);
        run.toolStep();
        run.toolStep();
        run.complete("the answer");

        List<String> storedLines = Files.readAllLines(runDir("runa").resolve("events.jsonl"));
        int embedded = 0;
        for (String line : storedLines) {
            JsonNode e = Json.tree(line);
            assertThat(e.has("messages")).as(line).isFalse();
            if (e.get("type").asText().equals("startGeneration")) {
                assertThat(e.get("messageRef").get("runId").asText()).isEqualTo("runa");
            }
            for (String field : List.of("checkpoint", "initialCheckpoint", "nextCheckpoint")) {
                if (e.has(field)) {
                    embedded++;
                    assertThat(e.get(field).has("messages")).as(line).isFalse();
                    assertThat(e.get(field).has("messageRef")).as(line).isTrue();
                }
            }
        }
        assertThat(embedded).isEqualTo(1 + 2 * 2 + 1);

        List<String> emittedPersisted = new ArrayList<>();
        for (String line : recorder.lines()) {
            String type = Json.tree(line).get("type").asText();
            if (!type.equals("streamRunResult") && !type.equals("skillStarting")) {
                emittedPersisted.add(line);
            }
        }
        List<String> read = new FileStorage(root).readEvents(JOB, "runa", null).stream()
                .map(Json::write).toList();
        assertThat(read).isEqualTo(emittedPersisted);
        assertThat(storage.readRuntimeEvents(JOB, "runa")).extracting(Event::type).containsExactly("skillStarting");
        assertThat(storage.readEventIndex(JOB, "runa")).extracting(EventMeta::type)
                .containsExactlyElementsOf(emittedPersisted.stream().map(l -> Json.tree(l).get("type").asText())
                        .toList())
                .doesNotContain("streamRunResult");
    }

    @Test
    void eventContentsCanStopAtAStep() {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver run = RunDriver.fresh(storage, recorder.emitter, JOB, "runa", 50);
        run.toolStep();
        run.toolStep();
        run.toolStep();

        List<Event> upTo2 = storage.readEvents(JOB, "runa", 2);
        assertThat(upTo2).isNotEmpty().allSatisfy(e -> assertThat(e.stepNumber()).isLessThanOrEqualTo(2));
        assertThat(upTo2).extracting(Event::stepNumber).contains(1, 2);
        assertThat(storage.readEvents(JOB, "runa", null)).extracting(Event::stepNumber).contains(3);
    }

    @Test
    void materialisingReadsEachLogOnceAndFollowsOneBaseLinkPerRun() {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver run = RunDriver.fresh(storage, recorder.emitter, JOB, "run0", 20);
        run.toolStep();
        Checkpoint stop = run.stopForAnswer();
        int runs = 8;
        for (int i = 1; i < runs; i++) {
            RunDriver next = RunDriver.continuing(storage, recorder.emitter, storage.readCheckpoint(JOB, stop.id()),
                    "run" + i, 20);
            next.toolStep();
            stop = next.stopForAnswer();
        }
        MessageHistories histories = new MessageHistories(root.resolve("jobs/" + JOB + "/runs"), new Warnings());
        List<JsonNode> stored = new ArrayList<>();
        for (Checkpoint c : storage.readCheckpoints(JOB)) {
            stored.add(Json.mapper().valueToTree(c.messageRef()));
        }
        for (JsonNode ref : stored) {
            try {
                histories.materialize(MessageHistories.parseRef(ref));
            } catch (MessageHistories.Unresolvable e) {
                throw new AssertionError(e);
            }
        }
        assertThat(stored).hasSizeGreaterThan(runs);
        assertThat(histories.logsRead()).isEqualTo(runs);
        assertThat(storage.readCheckpoint(JOB, stop.id()).messages()).hasSize(4 + (runs - 1) * 3);
    }

    @Test
    void cyclicBaseLinksAreReportedInsteadOfFollowedForever() throws IOException {
        for (String[] run : new String[][] {{"runa", "runb"}, {"runb", "runa"}}) {
            Path dir = runDir(run[0]);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("messages.jsonl"),
                    "{\"base\":{\"runId\":\"" + run[1] + "\",\"count\":1}}\n", StandardCharsets.UTF_8);
        }
        Path checkpoints = root.resolve("jobs/" + JOB + "/checkpoints");
        Files.createDirectories(checkpoints);
        String id = Ids.next();
        Files.writeString(checkpoints.resolve(id + ".json"), "{\"id\":\"" + id + "\",\"jobId\":\"" + JOB
                + "\",\"runId\":\"runa\",\"status\":\"proceeding\",\"stepNumber\":1,"
                + "\"messageRef\":{\"runId\":\"runa\",\"count\":2}}");
        FileStorage storage = new FileStorage(root);

        String stderr = Recorder.stderrOf(() -> assertThatThrownBy(() -> storage.readCheckpoint(JOB, id))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("Checkpoint " + id + " not found in job " + JOB));
        assertThat(stderr).contains("Skipping unreadable " + checkpoints.resolve(id + ".json"));
    }
}
