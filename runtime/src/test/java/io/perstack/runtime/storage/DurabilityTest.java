package io.perstack.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
import io.perstack.core.model.Usage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic replace, ordering, torn tails and unreadable data (docs/storage.md §3, §8). */
class DurabilityTest {
    private static final String JOB = "job1";

    @TempDir
    Path root;

    private Path runFile(String runId, String name) {
        return root.resolve("jobs/" + JOB + "/runs/" + runId + "/" + name);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Test
    void aReaderNeverSeesAPartiallyReplacedFile() throws Exception {
        FileStorage storage = new FileStorage(root);
        storage.writeJob(new Job(JOB, JobStatus.RUNNING, "x", 0, null, Usage.ZERO, 1, null, null));
        Path jobFile = root.resolve("jobs/" + JOB + "/job.json");
        Set<String> written = java.util.concurrent.ConcurrentHashMap.newKeySet();
        written.add(Files.readString(jobFile));
        AtomicBoolean done = new AtomicBoolean();
        List<String> seen = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                try {
                    seen.add(Files.readString(jobFile));
                } catch (IOException e) {
                    seen.add("read failed: " + e);
                }
            }
        });
        for (int i = 0; i < 300; i++) {
            // Sizes vary so a torn read would show as a truncated or mixed document.
            Job job = new Job(JOB, JobStatus.RUNNING, "k".repeat(1 + (i * 37) % 5000), i, null, Usage.ZERO, 1,
                    null, null);
            written.add(Json.writePretty(job));
            storage.writeJob(job);
        }
        done.set(true);
        reader.join();

        assertThat(seen).isNotEmpty();
        assertThat(new HashSet<>(seen)).isSubsetOf(written);
        try (Stream<Path> files = Files.list(jobFile.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("job.json");
        }
    }

    @Test
    void aCheckpointIsVisibleOnlyOnceTheHistoryItNamesIsStored() throws Exception {
        FileStorage writer = new FileStorage(root);
        RunDriver run = RunDriver.fresh(writer, new Recorder(writer).emitter, JOB, "run1", 200);
        AtomicBoolean done = new AtomicBoolean();
        List<String> problems = new CopyOnWriteArrayList<>();
        int[] polls = new int[1];
        String stderr = Recorder.stderrOf(() -> {
            Thread reader = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    // A fresh reader each time, like a separate `perstack log` process.
                    for (Checkpoint c : new FileStorage(root).readCheckpoints(JOB)) {
                        if (c.messages().size() != c.messageRef().count()) {
                            problems.add(c.id());
                        }
                    }
                    polls[0]++;
                }
            });
            for (int i = 0; i < 60; i++) {
                run.toolStep();
            }
            done.set(true);
            try {
                reader.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(polls[0]).isPositive();
        assertThat(problems).isEmpty();
        assertThat(stderr).isEmpty();
    }

    @Test
    void aTornFinalLineIsIgnoredWithoutComplaint() throws IOException {
        FileStorage storage = new FileStorage(root);
        RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, JOB, "run1", 20);
        run.toolStep();
        Checkpoint last = run.stopForAnswer();
        int events = storage.readEvents(JOB, "run1", null).size();
        append(runFile("run1", "events.jsonl"), "{\"type\":\"startGeneration\",\"id\":\"x");
        append(runFile("run1", "messages.jsonl"), "{\"type\":\"userMess");
        append(runFile("run1", "runtime-events.jsonl"), "{");

        FileStorage reader = new FileStorage(root);
        String stderr = Recorder.stderrOf(() -> {
            assertThat(reader.readEvents(JOB, "run1", null)).hasSize(events);
            assertThat(reader.readEventIndex(JOB, "run1")).hasSize(events);
            assertThat(reader.readRuntimeEvents(JOB, "run1")).hasSize(1);
            assertThat(reader.readCheckpoint(JOB, last.id()).messages()).isEqualTo(last.messages());
        });
        assertThat(stderr).isEmpty();
    }

    @Test
    void anUnparsableLineIsSkippedAndReportedOnce() throws IOException {
        FileStorage storage = new FileStorage(root);
        RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, JOB, "run1", 20);
        run.toolStep();
        run.stopForAnswer();
        int events = storage.readEvents(JOB, "run1", null).size();
        append(runFile("run1", "events.jsonl"), "this is not json\n[1,2]\n");

        FileStorage reader = new FileStorage(root);
        String stderr = Recorder.stderrOf(() -> {
            assertThat(reader.readEvents(JOB, "run1", null)).hasSize(events);
            assertThat(reader.readEvents(JOB, "run1", null)).hasSize(events);
            assertThat(reader.readEventIndex(JOB, "run1")).hasSize(events);
        });
        assertThat(stderr).isEqualTo("Skipping unreadable " + runFile("run1", "events.jsonl")
                + System.lineSeparator());
    }

    @Test
    void unreadableFilesAreSkippedByListings() throws IOException {
        FileStorage storage = new FileStorage(root);
        storage.writeJob(new Job(JOB, JobStatus.RUNNING, "x", 0, null, Usage.ZERO, 1, null, null));
        RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, JOB, "run1", 20);
        run.toolStep();
        Files.createDirectories(root.resolve("jobs/broken"));
        Files.writeString(root.resolve("jobs/broken/job.json"), "{\"id\": ");
        Path badCheckpoint = root.resolve("jobs/" + JOB + "/checkpoints/" + Ids.next() + ".json");
        Files.write(badCheckpoint, new byte[] {(byte) 0xff, (byte) 0xfe, '{'});

        FileStorage reader = new FileStorage(root);
        String stderr = Recorder.stderrOf(() -> {
            assertThat(reader.readJobs()).extracting(Job::id).containsExactly(JOB);
            assertThat(reader.readCheckpoints(JOB)).hasSize(1);
        });
        assertThat(stderr).contains("Skipping unreadable " + root.resolve("jobs/broken/job.json"))
                .contains("Skipping unreadable " + badCheckpoint);
    }

    @Test
    void reopeningAFileWithATornTailCutsItBackBeforeAppending() throws IOException {
        FileStorage first = new FileStorage(root);
        RunDriver run = RunDriver.fresh(first, new Recorder(first).emitter, JOB, "run1", 20);
        Checkpoint step = run.toolStep();
        first.endRun(JOB, "run1");
        byte[] eventsBefore = Files.readAllBytes(runFile("run1", "events.jsonl"));
        byte[] logBefore = Files.readAllBytes(runFile("run1", "messages.jsonl"));
        append(runFile("run1", "events.jsonl"), "{\"type\":\"callTo");
        append(runFile("run1", "messages.jsonl"), "{\"type\":\"expertMessage\",\"id\":\"");

        // Another process picks the run up again (same ids) and appends.
        FileStorage second = new FileStorage(root);
        Checkpoint extended = step.withMessagesAppended(List.of(RunDriver.user("more")));
        second.writeCheckpoint(extended);
        Event event = new Event(Ids.next(), "coordinator", 5, JOB, "run1", 2,
                new EventPayload.StartGeneration(extended.messages()));
        second.appendEvent(event);
        second.endRun(JOB, "run1");

        byte[] eventsAfter = Files.readAllBytes(runFile("run1", "events.jsonl"));
        byte[] logAfter = Files.readAllBytes(runFile("run1", "messages.jsonl"));
        assertThat(new String(eventsAfter, StandardCharsets.UTF_8))
                .startsWith(new String(eventsBefore, StandardCharsets.UTF_8)).doesNotContain("callTo\n")
                .endsWith("}\n");
        List<String> logLines = Files.readAllLines(runFile("run1", "messages.jsonl"));
        assertThat(new String(logAfter, StandardCharsets.UTF_8))
                .startsWith(new String(logBefore, StandardCharsets.UTF_8));
        assertThat(logLines).hasSize(1 + extended.messages().size());
        assertThat(Json.tree(logLines.getLast()).get("id").asText()).isEqualTo(extended.messages().getLast().id());
        assertThat(second.readCheckpoint(JOB, extended.id()).messages()).isEqualTo(extended.messages());
        assertThat(second.readEvents(JOB, "run1", null).getLast()).isEqualTo(event);
    }

    @Test
    void aLineLongerThanTheStoredLineLimitIsSkippedAndReported() throws IOException {
        FileStorage storage = new FileStorage(root);
        RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, JOB, "run1", 20);
        run.stopForAnswer();
        int events = storage.readEvents(JOB, "run1", null).size();
        Path file = runFile("run1", "events.jsonl");
        List<String> before = Files.readAllLines(file);
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            out.write("{\"type\":\"skillStderr\",\"message\":\"".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 65; i++) {
                out.write(chunk);
            }
            out.write("\"}\n".getBytes(StandardCharsets.UTF_8));
            out.write((before.getFirst() + "\n").getBytes(StandardCharsets.UTF_8));
        }

        FileStorage reader = new FileStorage(root);
        String stderr = Recorder.stderrOf(() ->
                assertThat(reader.readEvents(JOB, "run1", null)).hasSize(events + 1));
        assertThat(stderr).contains("Skipping unreadable " + file);
    }

    @Test
    void lineScanKeepsPositionsOfOversizedLines() throws IOException {
        Path file = root.resolve("lines.jsonl");
        Files.writeString(file, "short\n" + "x".repeat(200) + "\nafter\ntorn");
        LineScan scan = LineScan.read(file, 100);
        List<String> expected = new ArrayList<>();
        expected.add("short");
        expected.add(null);
        expected.add("after");
        assertThat(scan.lines()).isEqualTo(expected);
        assertThat(scan.missing()).isFalse();
        assertThat(LineScan.read(root.resolve("absent.jsonl")).missing()).isTrue();
    }

    @Test
    void everyStoredLineIsOneCompleteJsonDocument() throws IOException {
        FileStorage storage = new FileStorage(root);
        RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, JOB, "run1", 20);
        run.toolStep();
        // Line separators inside values must not split a stored line.
        storage.appendEvent(new Event(Ids.next(), null, 1, JOB, "run1", null,
                new EventPayload.SkillStderr("s", "a\nb\rc\u2028d\u0085e")));
        run.complete("multi\nline\nanswer");
        for (String name : List.of("events.jsonl", "runtime-events.jsonl", "messages.jsonl")) {
            for (String line : Files.readAllLines(runFile("run1", name))) {
                JsonNode node = Json.tree(line);
                assertThat(node.isObject()).as(line).isTrue();
            }
        }
        assertThat(storage.readRuntimeEvents(JOB, "run1").getLast().payload())
                .isEqualTo(new EventPayload.SkillStderr("s", "a\nb\rc\u2028d\u0085e"));
    }
}
