package io.perstack.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
import io.perstack.core.model.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Layout, modes, ids and listings of docs/storage.md §1, §2 and §8. */
class FileStorageLayoutTest {
    @TempDir
    Path temp;

    private static Job job(String id, long startedAt) {
        return new Job(id, JobStatus.RUNNING, "coordinator", 0, 100, Usage.ZERO, startedAt, null, null);
    }

    @Test
    void writesTheDocumentedLayoutWithPrivateModes() throws IOException {
        Path root = temp.resolve("perstack");
        FileStorage storage = new FileStorage(root);
        try (JobLock _ = storage.lockJob("job1")) {
            storage.writeJob(job("job1", 1));
            RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, "job1", "run1", 10);
            storage.writeRunSetting("job1", "run1", Map.of("jobId", "job1", "runId", "run1"));
            Checkpoint c = run.toolStep();
            run.stopForAnswer();

            Path job = root.resolve("jobs/job1");
            assertThat(job.resolve("job.json")).isRegularFile();
            assertThat(job.resolve(".lock")).isRegularFile();
            assertThat(job.resolve("checkpoints")).isDirectoryContaining(p -> p.getFileName().toString()
                    .endsWith(".json"));
            assertThat(storage.readCheckpoints("job1")).extracting(Checkpoint::id).contains(c.id());
            for (String f : List.of("run-setting.json", "events.jsonl", "runtime-events.jsonl", "messages.jsonl")) {
                assertThat(job.resolve("runs/run1").resolve(f)).isRegularFile();
            }
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.toList()) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    assertThat(mode).as("%s", p).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
                }
            }
        }
    }

    @Test
    void jobRecordsArePrettyAndCheckpointsCompact() throws IOException {
        Path root = temp.resolve("perstack");
        FileStorage storage = new FileStorage(root);
        Job job = job("job1", 5);
        storage.writeJob(job);
        RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, "job1", "run1", 10);
        Checkpoint c = run.stopForAnswer();

        String jobJson = Files.readString(root.resolve("jobs/job1/job.json"));
        assertThat(jobJson).isEqualTo(Json.writePretty(job)).startsWith("{\n  \"id\": \"job1\",\n");
        String checkpointJson = Files.readString(root.resolve("jobs/job1/checkpoints/" + c.id() + ".json"));
        assertThat(checkpointJson).doesNotContain("\n").startsWith("{\"id\":\"" + c.id() + "\"");
        assertThat(storage.readJob("job1")).contains(job);
    }

    @Test
    void runSettingsAreWrittenAsGivenAndListedByLastUpdate() throws IOException {
        Path root = temp.resolve("perstack");
        FileStorage storage = new FileStorage(root);
        storage.writeRunSetting("joba", "run1", Map.of("expertKey", "a", "startedAt", 10, "updatedAt", 30));
        storage.writeRunSetting("joba", "run2", Map.of("expertKey", "b", "startedAt", 20, "updatedAt", 20));
        storage.writeRunSetting("jobb", "run3", Map.of("expertKey", "c", "startedAt", 5, "updatedAt", 10));
        // Rewritten at run end with a new updatedAt.
        storage.writeRunSetting("jobb", "run3", Map.of("expertKey", "c", "startedAt", 5, "updatedAt", 40));

        assertThat(storage.readRunSettings()).extracting(StoredRunSetting::runId).containsExactly("run3", "run1", "run2");
        StoredRunSetting first = storage.readRunSettings().getFirst();
        assertThat(first.jobId()).isEqualTo("jobb");
        assertThat(first.expertKey()).isEqualTo("c");
        assertThat(first.updatedAt()).isEqualTo(40);
        assertThat(Files.readString(root.resolve("jobs/jobb/runs/run3/run-setting.json")))
                .isEqualTo(Json.writePretty(Map.of("expertKey", "c", "startedAt", 5, "updatedAt", 40)));
        assertThat(storage.listRunIds("joba")).containsExactly("run1", "run2");
    }

    @Test
    void jobsAreListedNewestFirstAndAMissingJobIsAbsent() {
        FileStorage storage = new FileStorage(temp);
        storage.writeJob(job("old", 100));
        storage.writeJob(job("newest", 300));
        storage.writeJob(job("middle", 200));

        assertThat(storage.readJobs()).extracting(Job::id).containsExactly("newest", "middle", "old");
        assertThat(storage.readJob("nothere")).isEmpty();
    }

    @Test
    void checkpointsAreListedByStepNumber() {
        FileStorage storage = new FileStorage(temp);
        RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, "job1", "run1", 10);
        for (int i = 0; i < 12; i++) {
            run.toolStep();
        }
        assertThat(storage.readCheckpoints("job1")).extracting(Checkpoint::stepNumber)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 12).boxed().toList());
    }

    @Test
    void aMissingCheckpointIsReportedWithItsJob() {
        FileStorage storage = new FileStorage(temp);
        assertThatThrownBy(() -> storage.readCheckpoint("job1", "nope"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("Checkpoint nope not found in job job1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/b", "", ".hidden", "-dash", "a b", "line\nbreak", "dot.dot",
            "x12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678"})
    void rejectsUnsafeIdsBeforeAnyPathIsTouched(String bad) {
        Path root = temp.resolve("perstack");
        FileStorage storage = new FileStorage(root);
        Checkpoint checkpoint = Checkpoint.builder().id("cp1").jobId("job1").runId("run1")
                .status(CheckpointStatus.INIT).stepNumber(1).messages(List.of()).usage(Usage.ZERO).build();
        Event event = new Event(Ids.next(), "e", 1, "job1", bad, 1, new EventPayload.StartGeneration(List.of()));
        List<Consumer<FileStorage>> calls = List.of(
                s -> s.writeJob(job(bad, 1)),
                s -> s.beginRun("job1", bad, null),
                s -> s.beginRun(bad, "run1", null),
                s -> s.writeCheckpoint(checkpoint.toBuilder().id(bad).build()),
                s -> s.writeCheckpoint(checkpoint.toBuilder().runId(bad).build()),
                s -> s.writeCheckpoint(checkpoint.toBuilder().jobId(bad).build()),
                s -> s.appendEvent(event),
                s -> s.writeRunSetting(bad, "run1", Map.of()),
                s -> s.endRun("job1", bad),
                s -> s.lockJob(bad),
                s -> s.readJob(bad),
                s -> s.readCheckpoint("job1", bad),
                s -> s.readCheckpoints(bad),
                s -> s.listRunIds(bad),
                s -> s.readEventIndex("job1", bad),
                s -> s.readEvents(bad, "run1", null),
                s -> s.readRuntimeEvents("job1", bad));
        for (Consumer<FileStorage> call : calls) {
            assertThatThrownBy(() -> call.accept(storage)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid ");
        }
        assertThat(root).doesNotExist();
        assertThat(temp).isEmptyDirectory();
    }

    @Test
    void storedNamesThatAreNotValidIdsAreIgnored() throws IOException {
        FileStorage storage = new FileStorage(temp);
        storage.writeJob(job("good", 1));
        RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, "good", "run1", 10);
        run.stopForAnswer();
        Path jobs = temp.resolve("jobs");
        Files.createDirectories(jobs.resolve("bad name"));
        Files.writeString(jobs.resolve("bad name/job.json"), Json.writePretty(job("bad name", 2)));
        Files.copy(jobs.resolve("good/job.json"), jobs.resolve("good/checkpoints/not valid!.json"));
        Files.createDirectories(jobs.resolve("good/runs/.sneaky"));

        String stderr = Recorder.stderrOf(() -> {
            assertThat(storage.readJobs()).extracting(Job::id).containsExactly("good");
            assertThat(storage.readCheckpoints("good")).hasSize(1);
            assertThat(storage.listRunIds("good")).containsExactly("run1");
        });
        assertThat(stderr).isEmpty();
    }

    @Test
    void aWriteFailureIsThrownNotSwallowed() throws IOException {
        Path notADirectory = temp.resolve("file");
        Files.writeString(notADirectory, "x");
        FileStorage storage = new FileStorage(notADirectory);

        assertThatThrownBy(() -> storage.writeJob(job("job1", 1))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("Storage write failed");
        assertThatThrownBy(() -> storage.beginRun("job1", "run1", null)).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> storage.appendEvent(new Event(Ids.next(), null, 1, "job1", "run1", null,
                new EventPayload.SkillDisconnected("s")))).isInstanceOf(UncheckedIOException.class);
    }
}
