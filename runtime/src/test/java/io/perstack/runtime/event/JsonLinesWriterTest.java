package io.perstack.runtime.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.json.Json;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart.TextPart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class JsonLinesWriterTest {

    private static Event startGeneration(String runId, int step, String text) {
        List<Message> history = List.of(new Message.UserMessage("m" + step, List.of(new TextPart("p" + step, text)),
                null));
        return new Event("e" + runId + step, "expert", step, "job", runId, step,
                new EventPayload.StartGeneration(history));
    }

    private static List<String> lines(ByteArrayOutputStream out) {
        String all = out.toString(StandardCharsets.UTF_8);
        assertThat(all).endsWith("\n");
        return List.of(all.substring(0, all.length() - 1).split("\n", -1));
    }

    @Test
    void eachEventIsOneLineWithTheSameJsonAsAPlainWrite() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLinesWriter writer = new JsonLinesWriter(out);
        List<Event> events = List.of(startGeneration("r", 1, "first"), startGeneration("r", 2, "line\nbreak"),
                startGeneration("r", 3, "third"));

        events.forEach(writer::onEvent);

        assertThat(lines(out)).containsExactlyElementsOf(events.stream()
                .map(e -> new String(Json.writeBytes(e), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void aSmallEventAfterAHugeOneIsWrittenWhole() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLinesWriter writer = new JsonLinesWriter(out);
        Event huge = startGeneration("r", 1, "x".repeat(12 << 20));
        Event small = startGeneration("r", 2, "small");

        writer.onEvent(huge);
        writer.onEvent(small);
        writer.onEvent(small);

        List<String> lines = lines(out);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).hasSize(Json.writeBytes(huge).length);
        assertThat(lines.get(1)).isEqualTo(new String(Json.writeBytes(small), StandardCharsets.UTF_8))
                .isEqualTo(lines.get(2));
    }

    @Test
    void linesOfParallelRunsNeverInterleave() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLinesWriter writer = new JsonLinesWriter(out);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int run = 0; run < 4; run++) {
                String runId = "run" + run;
                pool.submit(() -> {
                    for (int step = 1; step <= 200; step++) {
                        writer.onEvent(startGeneration(runId, step, "text of " + runId + " ".repeat(step * 10)));
                    }
                });
            }
        }
        List<String> lines = lines(out);
        assertThat(lines).hasSize(800);
        List<String> runs = new ArrayList<>();
        for (String line : lines) {
            runs.add(Json.tree(line).path("runId").asText());
        }
        assertThat(runs).containsOnly("run0", "run1", "run2", "run3");
    }
}
