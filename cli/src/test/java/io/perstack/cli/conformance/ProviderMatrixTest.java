package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.llm.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * C-26…C-29 and C-37 once per wire format (Anthropic, OpenAI, Gemini, Bedrock, Ollama), and C-58 for every
 * provider's credentials and headers, through the real CLI. Azure, DeepSeek and Vertex share a wire with another
 * provider; the llm module's matrix covers their behaviour in depth.
 */
class ProviderMatrixTest {
    private static final String THINK_RETRY_THEN_COMPLETE = """
            {"replies":[
              {"status":429,"headers":{"retry-after":"1"}},
              {"thinking":{"text":"The user wants a greeting. I will finish.","signature":"sig-1"},
               "toolCalls":[{"id":"call_1","name":"attemptCompletion","input":{}}]},
              {"thinking":{"text":"Now write the final answer.","signature":"sig-2"},
               "text":"Hello, streamed world!"}]}""";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ProviderScenario.Target.class, names = {"ANTHROPIC", "OPENAI", "GOOGLE", "AMAZON_BEDROCK",
            "OLLAMA"})
    void rateLimitIsRetriedAfterRetryAfterAndReasoningStreamsInOrder(ProviderScenario.Target target) {
        try (ProviderScenario s = ProviderScenario.of(dir, target, THINK_RETRY_THEN_COMPLETE)) {
            CliRun run = s.run("--reasoning-budget", "low");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            // C-26: one retry, after at least Retry-After, and the count back to 0.
            assertThat(run.count("retry")).isEqualTo(1);
            List<RecordedRequest> sent = s.server().requests();
            assertThat(sent).hasSize(3);
            long gap = sent.get(1).receivedAt().toEpochMilli() - sent.get(0).receivedAt().toEpochMilli();
            assertThat(gap).isGreaterThanOrEqualTo(1000);
            assertThat(run.last("completeRun").path("checkpoint").path("retryCount").asInt(0)).isZero();
            // C-37: reasoning start → stream → complete, finished before the result streams, then completeRun.
            assertThat(run.hasSubsequence("startStreamingReasoning", "streamReasoning", "completeStreamingReasoning",
                    "callTools", "startStreamingReasoning", "streamReasoning", "completeStreamingReasoning",
                    "startStreamingRunResult", "streamRunResult", "completeStreamingRunResult", "completeRun"))
                    .as(run.types().toString()).isTrue();
            List<String> types = run.types();
            assertThat(types.lastIndexOf("completeStreamingReasoning"))
                    .isLessThan(types.indexOf("startStreamingRunResult"));
            Stream.concat(run.ofType("streamReasoning").stream(), run.ofType("streamRunResult").stream())
                    .forEach(e -> assertThat(e.path("delta").asText()).isNotEmpty());
            assertThat(String.join("", run.ofType("streamReasoning").stream()
                    .map(e -> e.path("delta").asText()).toList()))
                    .isEqualTo("The user wants a greeting. I will finish.Now write the final answer.");
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("Hello, streamed world!");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ProviderScenario.Target.class, names = {"ANTHROPIC", "OPENAI", "GOOGLE", "AMAZON_BEDROCK",
            "OLLAMA"})
    void timeoutThenServerErrorsExhaustTheRetries(ProviderScenario.Target target) {
        // Retry-After 0 keeps the 503 backoffs short; the timeout's own backoff is the loop's 1 s.
        try (ProviderScenario s = ProviderScenario.of(dir, target, """
                {"replies":[{"text":"too late","delayMs":4000},
                            {"status":503,"headers":{"retry-after":"0"},"repeat":5}]}""")) {
            CliRun run = s.run("--timeout", "1000", "--max-retries", "3");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            // C-29: the slow response is a retry with TimeoutError.
            List<JsonNode> retries = run.ofType("retry");
            assertThat(retries).hasSize(3);
            assertThat(retries.getFirst().path("reason").asText()).contains("TimeoutError");
            // C-28: then 503s until retries are exhausted.
            assertThat(retries.get(1).path("reason").asText()).containsIgnoringCase("service unavailable")
                    .doesNotContain("TimeoutError");
            JsonNode error = run.last("stopRunByError").path("error");
            assertThat(error.path("message").asText()).startsWith("Max retries (3) exceeded:");
            assertThat(error.path("isRetryable").asBoolean(true)).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ProviderScenario.Target.class, names = {"ANTHROPIC", "OPENAI", "GOOGLE", "AMAZON_BEDROCK",
            "OLLAMA"})
    void badRequestStopsAtOnceWithItsStatus(ProviderScenario.Target target) {
        try (ProviderScenario s = ProviderScenario.of(dir, target, """
                {"replies":[{"status":400,"error":{"message":"malformed request (scripted)"}}]}""")) {
            CliRun run = s.run();

            // C-27
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.count("retry")).isZero();
            JsonNode error = run.last("stopRunByError").path("error");
            assertThat(error.path("isRetryable").asBoolean(true)).isFalse();
            assertThat(error.path("statusCode").asInt()).isEqualTo(400);
            assertThat(error.path("name").asText()).isNotBlank();
            assertThat(error.path("message").asText()).contains("malformed request (scripted)");
            assertThat(s.server().requests()).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderScenario.Target.class)
    void canaryCredentialsAndHeadersAppearInNoEventLogOrStoredFile(ProviderScenario.Target target) throws Exception {
        // The provider echoes every credential it received back in an error: the worst case for a leak.
        String echoed = String.join(" ", ProviderScenario.canaries(target, true).values());
        try (ProviderScenario s = ProviderScenario.of(dir, target, """
                {"replies":[
                  {"toolCalls":[{"id":"call_1","name":"healthCheck","input":{}}]},
                  {"status":503,"headers":{"retry-after":"0"},"error":{"message":"upstream rejected %s"}},
                  {"text":"ok"}]}""".formatted(echoed))) {
            CliRun run = s.run("--verbose");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.first("retry").path("reason").asText()).contains("upstream rejected");
            assertThat(s.server().requests()).hasSize(3);
            for (Map.Entry<String, String> canary : s.canaries().entrySet()) {
                assertThat(run.stdout()).as("stdout has %s", canary.getKey()).doesNotContain(canary.getValue());
                assertThat(run.stderr()).as("stderr has %s", canary.getKey()).doesNotContain(canary.getValue());
            }
            try (Stream<Path> files = Files.walk(dir.resolve("perstack"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    for (Map.Entry<String, String> canary : s.canaries().entrySet()) {
                        assertThat(text).as("%s has %s", file, canary.getKey()).doesNotContain(canary.getValue());
                    }
                }
            }
        }
    }
}
