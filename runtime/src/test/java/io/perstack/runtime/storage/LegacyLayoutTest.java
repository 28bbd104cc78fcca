package io.perstack.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.Step;
import io.perstack.core.model.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Histories written by the TypeScript implementation stay readable (docs/storage.md §8). */
class LegacyLayoutTest {
    private static final String JOB = "tsjob";

    @TempDir
    Path root;

    private Checkpoint checkpoint(int step, int messages) {
        List<io.perstack.core.model.Message> history = new java.util.ArrayList<>();
        for (int i = 0; i < messages; i++) {
            history.add(RunDriver.user("message " + i));
        }
        return Checkpoint.builder().id("cp" + step).jobId(JOB).runId("tsrun").status(CheckpointStatus.PROCEEDING)
                .stepNumber(step).messages(history).expert(RunDriver.EXPERT).usage(Usage.ZERO).build();
    }

    private void writeLegacyEvent(Event e) throws IOException {
        Path dir = root.resolve("jobs/" + JOB + "/runs/tsrun");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("event-" + e.timestamp() + "-" + e.stepNumber() + "-" + e.type() + ".json"),
                Json.write(e));
    }

    @Test
    void checkpointsWithEmbeddedMessagesAreReadAsTheyAre() throws IOException {
        Path dir = root.resolve("jobs/" + JOB + "/checkpoints");
        Files.createDirectories(dir);
        Checkpoint one = checkpoint(1, 2);
        Checkpoint two = checkpoint(2, 4);
        Files.writeString(dir.resolve("cp2.json"), Json.write(two));
        Files.writeString(dir.resolve("cp1.json"), Json.write(one));

        FileStorage storage = new FileStorage(root);
        assertThat(storage.readCheckpoint(JOB, "cp2")).isEqualTo(two);
        assertThat(storage.readCheckpoints(JOB)).containsExactly(one, two);
        // No job.json was written by the TypeScript CLI: absent, for the caller to synthesise.
        assertThat(storage.readJob(JOB)).isEmpty();
    }

    @Test
    void oneFilePerEventIsReadInTimeOrder() throws IOException {
        Checkpoint cp = checkpoint(1, 3);
        Event start = new Event(Ids.next(), "coordinator", 1000, JOB, "tsrun", 1,
                new EventPayload.StartRun(cp, List.of(RunDriver.user("hi"))));
        Event generation = new Event(Ids.next(), "coordinator", 1001, JOB, "tsrun", 1,
                new EventPayload.StartGeneration(cp.messages()));
        Event done = new Event(Ids.next(), "coordinator", 1200, JOB, "tsrun", 2,
                new EventPayload.CompleteRun(checkpoint(2, 4), Step.start(2, 1100), "ok", Usage.ZERO));
        writeLegacyEvent(done);
        writeLegacyEvent(start);
        writeLegacyEvent(generation);

        FileStorage storage = new FileStorage(root);
        assertThat(storage.readEventIndex(JOB, "tsrun")).containsExactly(
                new EventMeta(1000, 1, "startRun"), new EventMeta(1001, 1, "startGeneration"),
                new EventMeta(1200, 2, "completeRun"));
        assertThat(storage.readEvents(JOB, "tsrun", null)).containsExactly(start, generation, done);
        assertThat(storage.readEvents(JOB, "tsrun", 1)).containsExactly(start, generation);
        assertThat(storage.listRunIds(JOB)).containsExactly("tsrun");
    }
}
