package io.perstack.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed mid-run leaves a history that every reader can use and that can be continued (C-60). */
class CrashTest {
    private static final String JOB = "job1";

    @TempDir
    Path root;

    @Test
    void aKilledWriterLeavesParsableFilesAndAMaterialisableLastCheckpoint() throws Exception {
        int reached = killWriterAfter(40, "run1");
        assertEveryStoredFileParses();

        FileStorage reader = new FileStorage(root);
        AtomicReference<List<Checkpoint>> listed = new AtomicReference<>();
        String stderr = Recorder.stderrOf(() -> listed.set(reader.readCheckpoints(JOB)));
        assertThat(stderr).isEmpty();
        List<Checkpoint> all = listed.get();
        try (Stream<Path> files = Files.list(root.resolve("jobs/" + JOB + "/checkpoints"))) {
            assertThat(all).hasSize((int) files.filter(p -> !p.getFileName().toString().startsWith("."))
                    .count());
        }
        Checkpoint last = all.getLast();
        assertThat(last.stepNumber()).isGreaterThanOrEqualTo(reached);
        // Instruction and query, then an expert and a tool message per finished step (sizes only: results are big).
        assertThat(last.messages().size()).isEqualTo(last.messageRef().count()).isEqualTo(2 + 2 * last.stepNumber());
        assertThat(reader.readEvents(JOB, "run1", null)).isNotEmpty();

        // --continue after the crash: a new run on the last checkpoint.
        FileStorage next = new FileStorage(root);
        Recorder recorder = new Recorder(next);
        RunDriver resumed = RunDriver.continuing(next, recorder.emitter, next.readCheckpoint(JOB, last.id()),
                "run2", 30);
        resumed.toolStep();
        Checkpoint done = resumed.complete("recovered");
        List<io.perstack.core.model.Message> history = new FileStorage(root).readCheckpoint(JOB, done.id())
                .messages();
        assertThat(history.size()).isEqualTo(last.messages().size() + 4);
        assertThat(history.subList(0, last.messages().size()).equals(last.messages())).isTrue();
        assertEveryStoredFileParses();
    }

    @Test
    void aRunReopenedAfterACrashAppendsCleanly() throws Exception {
        killWriterAfter(15, "run1");
        FileStorage storage = new FileStorage(root);
        Checkpoint last = storage.readCheckpoints(JOB).getLast();
        // The same run picked up again: torn tails are cut before anything is appended.
        Checkpoint extended = last.toBuilder().messageRef(null).build()
                .withMessagesAppended(List.of(RunDriver.user("after the crash")));
        storage.writeCheckpoint(extended);
        storage.endRun(JOB, "run1");

        for (Path f : List.of(runFile("messages.jsonl"), runFile("events.jsonl"))) {
            byte[] bytes = Files.readAllBytes(f);
            assertThat(bytes[bytes.length - 1]).as("%s ends with a complete line", f).isEqualTo((byte) '\n');
            for (String line : Files.readAllLines(f)) {
                assertThat(Json.tree(line).isObject()).as("%s: %s", f, line).isTrue();
            }
        }
        assertThat(new FileStorage(root).readCheckpoint(JOB, extended.id()).messages()
                .equals(extended.messages())).isTrue();
    }

    private Path runFile(String name) {
        return root.resolve("jobs/" + JOB + "/runs/run1/" + name);
    }

    /** Starts a writer JVM, kills it once it has finished {@code steps} steps, returns the last step reported. */
    private int killWriterAfter(int steps, String runId) throws IOException, InterruptedException {
        Process child = ChildProcess.start("write", root.toString(), JOB, runId);
        int reached = 0;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while (reached < steps && (line = out.readLine()) != null) {
                reached = Integer.parseInt(line.substring("step ".length()));
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(reached).isEqualTo(steps);
        return reached;
    }

    /** Whole-file JSON parses; every complete JSONL line parses (a torn final line may remain). */
    private void assertEveryStoredFileParses() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.naturalOrder()).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            if (f.toString().endsWith(".jsonl")) {
                List<String> lines = LineScan.read(f).lines();
                assertThat(lines).as("%s", f).isNotEmpty();
                for (String line : lines) {
                    JsonNode node = Json.tree(line);
                    assertThat(node.isObject()).as("%s: %s", f, line).isTrue();
                }
            } else {
                assertThat(Json.tree(Files.readString(f)).isObject()).as("%s", f).isTrue();
            }
        }
    }
}
