package io.perstack.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parallel delegated children share one storage instance (docs/storage.md §7). */
class ConcurrencyTest {
    private static final String JOB = "job1";

    @TempDir
    Path root;

    @Test
    void parallelChildrenWriteTheirOwnRunsWithoutInterference() throws Exception {
        FileStorage storage = new FileStorage(root);
        Recorder recorder = new Recorder(storage);
        RunDriver parent = RunDriver.fresh(storage, recorder.emitter, JOB, "parent", 30);
        parent.toolStep();
        Checkpoint stop = parent.stopForDelegate();
        int children = 8;
        List<Checkpoint> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Checkpoint>> futures = new ArrayList<>();
            for (int i = 0; i < children; i++) {
                String runId = "child" + i;
                futures.add(pool.submit(() -> {
                    RunDriver child = RunDriver.child(storage, recorder.emitter, stop, runId, 30);
                    for (int s = 0; s < 25; s++) {
                        child.toolStep();
                    }
                    return child.complete("result of " + runId);
                }));
            }
            for (Future<Checkpoint> f : futures) {
                results.add(f.get());
            }
        }

        FileStorage reader = new FileStorage(root);
        String stderr = Recorder.stderrOf(() -> {
            Map<String, JsonNode> emitted = new HashMap<>();
            for (JsonNode c : recorder.emittedCheckpoints()) {
                emitted.put(c.get("id").asText(), c.get("messages"));
            }
            List<Checkpoint> stored = reader.readCheckpoints(JOB);
            assertThat(stored).hasSize(emitted.size());
            for (Checkpoint c : stored) {
                assertThat(Json.write(Json.mapper().valueToTree(c).get("messages")))
                        .isEqualTo(Json.write(emitted.get(c.id())));
            }
        });
        assertThat(stderr).isEmpty();
        for (int i = 0; i < children; i++) {
            Checkpoint done = results.get(i);
            assertThat(done.runId()).isEqualTo("child" + i);
            // Instruction, query, 25 tool steps of two messages, answer: nothing from another child.
            assertThat(reader.readCheckpoint(JOB, done.id()).messages()).hasSize(2 + 50 + 1);
            List<String> log = Files.readAllLines(root.resolve("jobs/" + JOB + "/runs/child" + i + "/messages.jsonl"));
            assertThat(log).hasSize(1 + 2 + 50 + 1);
            assertThat(reader.readEvents(JOB, "child" + i, null)).allSatisfy(e ->
                    assertThat(e.runId()).isEqualTo(done.runId()));
        }
    }

    @Test
    void concurrentAppendsToOneFileStayWholeLines() throws Exception {
        FileStorage storage = new FileStorage(root);
        storage.beginRun(JOB, "run1", null);
        int threads = 8;
        int perThread = 250;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String skill = "skill" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        storage.appendEvent(new Event(Ids.next(), null, i, JOB, "run1", null,
                                new EventPayload.SkillStderr(skill, i + ":" + "x".repeat(1 + (i * 131) % 3000))));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        storage.endRun(JOB, "run1");

        List<String> lines = Files.readAllLines(root.resolve("jobs/" + JOB + "/runs/run1/runtime-events.jsonl"));
        assertThat(lines).hasSize(threads * perThread);
        Map<String, Integer> next = new HashMap<>();
        for (Event e : storage.readRuntimeEvents(JOB, "run1")) {
            EventPayload.SkillStderr s = (EventPayload.SkillStderr) e.payload();
            int i = Integer.parseInt(s.message().substring(0, s.message().indexOf(':')));
            // Each thread's lines keep their order.
            assertThat(i).isEqualTo(next.getOrDefault(s.skillName(), 0));
            next.put(s.skillName(), i + 1);
        }
        assertThat(next).hasSize(threads).allSatisfy((k, v) -> assertThat(v).isEqualTo(perThread));
    }
}
