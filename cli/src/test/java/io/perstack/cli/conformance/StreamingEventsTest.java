package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-37…C-39: streaming events on stdout, what is stored of them, and the line discipline of stdout. */
class StreamingEventsTest {
    private static final String THINK_THEN_COMPLETE = """
            {"replies":[
              {"thinking":{"text":"The user wants a greeting. I will finish.","signature":"sig-1"},
               "toolCalls":[{"id":"toolu_1","name":"attemptCompletion","input":{}}]},
              {"thinking":{"text":"Now write the final answer.","signature":"sig-2"},
               "text":"Hello, streamed world!"}]}""";

    @TempDir
    Path dir;

    @Test
    void reasoningIsStreamedBeforeTheResultAndTheResultBeforeCompletion() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), THINK_THEN_COMPLETE)) {
            CliRun run = s.run("greeter", "Say hello", "--reasoning-budget", "low");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.hasSubsequence("startStreamingReasoning", "streamReasoning", "completeStreamingReasoning",
                    "callTools", "attemptCompletion", "startStreamingReasoning", "completeStreamingReasoning",
                    "startStreamingRunResult", "streamRunResult", "completeStreamingRunResult", "completeRun"))
                    .as(run.types().toString()).isTrue();
            List<String> types = run.types();
            assertThat(types.lastIndexOf("completeStreamingReasoning"))
                    .isLessThan(types.indexOf("startStreamingRunResult"));
            Stream.concat(run.ofType("streamReasoning").stream(), run.ofType("streamRunResult").stream())
                    .forEach(e -> assertThat(e.path("delta").asText()).isNotEmpty());
            String streamed = String.join("", run.ofType("streamRunResult").stream()
                    .map(e -> e.path("delta").asText()).toList());
            assertThat(streamed).isEqualTo("Hello, streamed world!");
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("Hello, streamed world!");
        }
    }

    @Test
    void noReasoningEventsWhenReasoningIsOff() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"Plain hello"}]}""")) {
            CliRun run = s.run("greeter", "Say hello", "--reasoning-budget", "none");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.types()).noneMatch(t -> t.contains("Reasoning"));
            JsonNode request = s.server().requests().getFirst().body();
            assertThat(request.path("thinking").path("type").asText("disabled")).isNotEqualTo("enabled");
        }
    }

    @Test
    void storedEventsKeepStreamBoundariesButNotDeltasAndRuntimeEventsLiveApart() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), THINK_THEN_COMPLETE)) {
            CliRun run = s.run("greeter", "Say hello");
            assertThat(run.exitCode()).as(run.toString()).isZero();

            Path runDir = s.storage().resolve("jobs").resolve(run.jobId()).resolve("runs")
                    .resolve(run.first("startRun").path("runId").asText());
            String events = Files.readString(runDir.resolve("events.jsonl"));
            assertThat(events).contains("\"type\":\"startStreamingReasoning\"", "\"type\":\"completeStreamingRunResult\"")
                    .doesNotContain("\"type\":\"streamReasoning\"", "\"type\":\"streamRunResult\"");
            String runtimeEvents = Files.readString(runDir.resolve("runtime-events.jsonl"));
            assertThat(runtimeEvents).contains("\"type\":\"initializeRuntime\"");
            assertThat(events).doesNotContain("\"type\":\"initializeRuntime\"");
        }
    }

    @Test
    void stdoutIsOneJsonObjectPerLineWithControlCharactersEscaped() throws Exception {
        // A tool result carrying ESC (an unknown-tool answer echoes the name back) must reach stdout escaped.
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_1","name":"bad\\u001b[31mname","input":{}}]},
                  {"text":"done \\u001b[2J \\u202eexe.txt \\u200bhidden"}]}""")) {
            CliRun run = s.run("greeter", "Say hello");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            byte[] raw = run.stdout().getBytes(StandardCharsets.UTF_8);
            for (byte b : raw) {
                assertThat(b == '\n' || (b & 0xff) >= 0x20).as("raw control byte %d on stdout", b).isTrue();
            }
            String[] lines = run.stdout().split("\n");
            assertThat(lines).hasSize(run.events().size()).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
            assertThat(run.stdout()).contains("\\u001b");
            // Bidi overrides and zero-width characters too: escaped on the line, the same text once parsed.
            assertThat(run.stdout()).doesNotContain("\u202e", "\u200b").contains("\\u202eexe.txt \\u200bhidden");
            assertThat(run.last("completeRun").path("text").asText())
                    .isEqualTo("done \u001b[2J \u202eexe.txt \u200bhidden");
        }
    }
}
