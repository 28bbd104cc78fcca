package io.perstack.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.JobStatus;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.llm.FinishReason;
import io.perstack.llm.GeneratedToolCall;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.GenerationResult;
import io.perstack.llm.LlmClient;
import io.perstack.runtime.Perstack;
import io.perstack.runtime.RunInput;
import io.perstack.runtime.RunOptions;
import io.perstack.runtime.JobSettings;
import io.perstack.runtime.RunSetting;
import io.perstack.runtime.RunSpec;
import io.perstack.runtime.event.JsonLinesWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real job loop (delegation down and back up, parallel children, a continuation) writing through FileStorage
 * with a scripted model: what storage hands back equals what was printed, and no history is stored twice.
 */
class RuntimeHistoryTest {
    @TempDir
    Path temp;

    /** The coordinator delegates when the user asks it to (to a, or to a and b), every other turn answers in text. */
    private static final class ScriptedModel implements LlmClient {
        @Override
        public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
            List<Message> messages = request.messages();
            String instruction = text(messages.getFirst());
            Message last = messages.getLast();
            if (instruction.contains("ROLE coordinator") && last instanceof Message.UserMessage u
                    && text(u).startsWith("delegate")) {
                List<GeneratedToolCall> calls = new ArrayList<>();
                calls.add(new GeneratedToolCall(Ids.next(), "a", Json.object().put("query", "part one")));
                if (text(u).contains("parallel")) {
                    calls.add(new GeneratedToolCall(Ids.next(), "b", Json.object().put("query", "part two")));
                }
                return result("", calls);
            }
            String who = instruction.contains("ROLE a") ? "a" : instruction.contains("ROLE b") ? "b" : "coordinator";
            return result("answer from " + who + " after " + messages.size() + " messages", List.of());
        }

        private static GenerationOutcome result(String text, List<GeneratedToolCall> calls) {
            return new GenerationOutcome.Generated(new GenerationResult(List.of(), text, calls,
                    FinishReason.of(calls.isEmpty() ? FinishReason.Kind.STOP : FinishReason.Kind.TOOL_CALLS),
                    io.perstack.core.model.Usage.of(10, 0, 5, 0)));
        }

        private static String text(Message m) {
            StringBuilder b = new StringBuilder();
            for (MessagePart p : m.contents()) {
                if (p instanceof MessagePart.TextPart t) {
                    b.append(t.text());
                }
            }
            return b.toString();
        }

        @Override
        public String providerName() {
            return "anthropic";
        }
    }

    private static ExpertConfig expert(String key, List<String> delegates) {
        return new ExpertConfig(key, key, "1.0.0", null, "Expert " + key, "ROLE " + key, delegates, List.of(), null,
                List.of(), null, null);
    }

    private RunSetting setting(String jobId, String query) {
        Map<String, ExpertConfig> experts = new LinkedHashMap<>();
        experts.put("coordinator", expert("coordinator", List.of("a", "b")));
        experts.put("a", expert("a", List.of()));
        experts.put("b", expert("b", List.of()));
        long now = System.currentTimeMillis();
        return new RunSetting(new JobSettings("test-model", ProviderConfig.DEFAULT, experts, ReasoningBudget.LOW, 50,
                0, 60_000, null, null, null, Map.of(), null, false, "local", temp.resolve("workspace"), List.of(), null,
                JobSettings.DEFAULT_TOOL_RESULT_MAX_BYTES, Map.of()),
                new RunSpec(jobId, Ids.next(), "coordinator", RunInput.text(query), now));
    }

    @Test
    void aDelegatingJobAndItsContinuationReadBackAsPrintedWithoutCopies() throws IOException {
        Files.createDirectories(temp.resolve("workspace"));
        Path root = temp.resolve("perstack");
        FileStorage storage = new FileStorage(root);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        RunOptions options = new RunOptions(storage, List.of(new JsonLinesWriter(stdout)), null,
                s -> new ScriptedModel(), null, root);
        String jobId = Ids.next();

        Checkpoint first = Perstack.run(setting(jobId, "delegate in parallel"), null, options);
        assertThat(first.status()).isEqualTo(CheckpointStatus.COMPLETED);
        RunSetting unused = setting(jobId, "unused");
        Checkpoint again = Perstack.run(new RunSetting(unused.job(), unused.run().next("coordinator",
                RunInput.text("delegate once more"))), storage.readCheckpoint(jobId, first.id()), options);
        assertThat(again.status()).isEqualTo(CheckpointStatus.COMPLETED);
        assertThat(again.messages().subList(0, first.messages().size())).isEqualTo(first.messages());

        List<JsonNode> printed = new ArrayList<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
            printed.add(Json.tree(line));
        }
        FileStorage reader = new FileStorage(root);
        Set<String> messageIds = new HashSet<>();
        Map<String, List<String>> printedByRun = new LinkedHashMap<>();
        int checkpoints = 0;
        for (JsonNode e : printed) {
            String type = e.get("type").asText();
            for (String field : List.of("checkpoint", "initialCheckpoint", "nextCheckpoint")) {
                if (e.has(field)) {
                    e.get(field).get("messages").forEach(m -> messageIds.add(m.get("id").asText()));
                }
            }
            if (e.has("checkpoint")) {
                checkpoints++;
                JsonNode wire = e.get("checkpoint");
                Checkpoint read = reader.readCheckpoint(jobId, wire.get("id").asText());
                assertThat(Json.write(Json.mapper().valueToTree(read).get("messages")))
                        .isEqualTo(Json.write(wire.get("messages")));
            }
            if (!type.startsWith("stream") && !e.has("skillName") && !type.equals("initializeRuntime")) {
                printedByRun.computeIfAbsent(e.get("runId").asText(), k -> new ArrayList<>()).add(Json.write(e));
            }
        }
        assertThat(checkpoints).isGreaterThan(5);
        // Coordinator, children a and b, return; continuation, child a, return.
        assertThat(reader.listRunIds(jobId)).hasSize(7).containsAll(printedByRun.keySet());
        for (Map.Entry<String, List<String>> run : printedByRun.entrySet()) {
            assertThat(reader.readEvents(jobId, run.getKey(), null).stream().map(Json::write).toList())
                    .as("events of run %s", run.getKey()).isEqualTo(run.getValue());
        }
        long logged = 0;
        try (Stream<Path> logs = Files.walk(root).filter(p -> p.getFileName().toString().equals("messages.jsonl"))) {
            for (Path log : logs.toList()) {
                logged += Files.readAllLines(log).size() - 1;
            }
        }
        assertThat(logged).as("each message stored once").isEqualTo(messageIds.size());
        assertThat(reader.readJob(jobId).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(reader.readRunSettings().getFirst().jobId()).isEqualTo(jobId);
    }
}
