package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.testkit.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-21…C-30: what the loop does with each kind of generation outcome, seen through the real CLI. */
class GenerationOutcomesTest {
    @TempDir
    Path dir;

    @Test
    void textWithoutToolCallsCompletesTheRunImplicitly() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"Hello there!"}]}""")) {
            CliRun run = s.run("greeter", "Say hello");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("Hello there!");
            assertThat(run.last("completeRun").path("checkpoint").path("status").asText()).isEqualTo("completed");
            assertThat(s.server().requests()).hasSize(1);
        }
    }

    @Test
    void emptyResponseIsRetriedAndTheRetryConsumesAStep() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":""},{"text":"Second try"}]}""")) {
            CliRun run = s.run("greeter", "Say hello");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode retry = run.first("retry");
            assertThat(retry.path("reason").asText()).contains("\"error\":\"Error: No tool call or text generated\"");
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("Second try");
            assertThat(run.last("completeRun").path("stepNumber").asInt()).isEqualTo(2);
        }
    }

    @Test
    void lengthLimitedToolCallIsRetriedWithAOneCallMessageAndItsResult() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}],"stopReason":"max_tokens"},
                  {"text":"done"}]}""")) {
            CliRun run = s.run("greeter", "Check health");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode newMessages = run.first("retry").path("newMessages");
            assertThat(newMessages).hasSize(2);
            assertThat(newMessages.get(0).path("type").asText()).isEqualTo("expertMessage");
            assertThat(newMessages.get(0).path("contents").findValues("toolCallId")).hasSize(1);
            assertThat(newMessages.get(1).toString()).contains("Generation length exceeded. Try again.");
        }
    }

    @Test
    void toolCallsWithAnUnknownFinishReasonStopTheRunWithAnErrorAndExitOne() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}],
                             "stopReason":"refusal_of_some_new_kind"}]}""")) {
            CliRun run = s.run("greeter", "Say hello");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.last("stopRunByError").path("error").path("name").asText())
                    .isEqualTo("UnexpectedFinishReason");
        }
    }

    @Test
    void callOfAnUnknownToolIsAnsweredAndTheRunGoesOn() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_1","name":"noSuchTool","input":{}}]},
                  {"text":"recovered"}]}""")) {
            CliRun run = s.run("greeter", "Use a tool");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("recovered");
            String secondRequest = s.server().requests().get(1).bodyText();
            assertThat(secondRequest).contains("Tool noSuchTool not found");
        }
    }

    @Test
    void tooManyRequestsIsRetriedAfterRetryAfterAndTheCountResets() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[
                  {"status":429,"headers":{"retry-after":"1"},
                   "errorBody":{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}},
                  {"text":"after the wait"}]}""")) {
            CliRun run = s.run("greeter", "Say hello");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.count("retry")).isEqualTo(1);
            assertThat(run.stderr()).contains("Retrying in 1 s (attempt 1/5): slow down (HTTP 429) from 127.0.0.1:");
            assertThat(s.server().requests()).hasSize(2);
            long gap = s.server().requests().get(1).receivedAt().toEpochMilli()
                    - s.server().requests().get(0).receivedAt().toEpochMilli();
            assertThat(gap).isGreaterThanOrEqualTo(1000);
            assertThat(run.last("completeRun").path("checkpoint").path("retryCount").asInt(0)).isZero();
        }
    }

    @Test
    void badRequestStopsWithoutRetryAndMarksTheJobStoppedByError() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"status":400,
                  "errorBody":{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}}]}""")) {
            CliRun run = s.run("greeter", "Say hello");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.count("retry")).isZero();
            JsonNode error = run.last("stopRunByError").path("error");
            assertThat(error.path("isRetryable").asBoolean(true)).isFalse();
            assertThat(error.path("statusCode").asInt()).isEqualTo(400);
            assertThat(run.stderr()).containsPattern("The provider anthropic at 127\\.0\\.0\\.1:\\d+ rejected the "
                    + "request: bad \\(HTTP 400\\)\\.")
                    .contains("The job is kept: perstack log --job " + run.jobId() + " --errors");
            Path job = s.storage().resolve("jobs").resolve(run.jobId()).resolve("job.json");
            assertThat(Json.mapper().readTree(job.toFile()).path("status").asText()).isEqualTo("stoppedByError");
        }
    }

    @Test
    void aRefusedConnectionSaysWhereItWentAndThatItRetriesThenHowToGoOn() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            CliRun run = s.cli().env("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + closed + "/v1")
                    .timeout(java.time.Duration.ofSeconds(60))
                    .run("run", "greeter", "Say hello", "--runtime", "local", "--max-retries", "1");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.stderr()).contains(
                    "Retrying in 1 s (attempt 1/1): Connection refused (ConnectException) to 127.0.0.1:" + closed,
                    "Could not reach anthropic at 127.0.0.1:" + closed + ": Max retries (1) exceeded: Connection "
                            + "refused (ConnectException). Check the network and the provider's base URL");
        }
    }

    @Test
    void anUnknownModelNamesTheModelSettingAsTheThingToCheck() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"status":404,
                  "errorBody":{"type":"error","error":{"type":"not_found_error","message":"model: nosuch"}}}]}""")) {
            CliRun run = s.run("greeter", "Say hello", "--model", "nosuch");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.stderr()).containsPattern("The provider anthropic at 127\\.0\\.0\\.1:\\d+ does not know "
                    + "this request: model: nosuch \\(HTTP 404\\)\\. Check the model name \\(--model or model in "
                    + "perstack.toml\\)");
        }
    }

    @Test
    void persistentServerErrorsExhaustTheRetriesThenStop() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"status":503,"repeat":10,
                  "errorBody":{"type":"error","error":{"type":"overloaded_error","message":"busy"}}}]}""")) {
            CliRun run = s.cli().timeout(java.time.Duration.ofSeconds(60))
                    .run("run", "greeter", "Say hello", "--runtime", "local", "--max-retries", "3");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.count("retry")).isEqualTo(3);
            assertThat(run.last("stopRunByError").path("error").path("message").asText())
                    .startsWith("Max retries (3) exceeded:");
            assertThat(run.stderr()).contains("Retrying in 1 s (attempt 1/3): busy (HTTP 503)",
                    "Retrying in 2 s (attempt 2/3)", "Retrying in 4 s (attempt 3/3)",
                    "failed: Max retries (3) exceeded: busy (HTTP 503). Try again later or raise --max-retries.");
        }
    }

    @Test
    void generationSlowerThanTheTimeoutIsRetriedAsTimeoutError() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), """
                {"replies":[{"text":"too late","delayMs":3000},{"text":"in time"}]}""")) {
            CliRun run = s.run("greeter", "Say hello", "--timeout", "500");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.first("retry").path("reason").asText()).contains("TimeoutError");
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("in time");
        }
    }

    @Test
    void maxStepsStopsANeverEndingLoop() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("looper"), """
                {"replies":[{"toolCalls":[{"id":"toolu_x","name":"healthCheck","input":{}}],"repeat":50}]}""")) {
            CliRun run = s.run("looper", "Loop forever", "--max-steps", "3");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode stop = run.last("stopRunByExceededMaxSteps");
            assertThat(stop.path("stepNumber").asInt()).isEqualTo(3);
            assertThat(run.stderr()).contains("Stopped after step 3: the job reached its maximum number of steps",
                    "Continue with: perstack run looper \"<next query>\" --continue-job " + run.jobId()
                            + " --runtime local --max-steps <more steps>");
            Path job = s.storage().resolve("jobs").resolve(run.jobId()).resolve("job.json");
            assertThat(Json.mapper().readTree(job.toFile()).path("status").asText()).isEqualTo("stoppedByMaxSteps");
        }
    }

    @Test
    void shortScriptCompletesWithinAGenerousStepLimit() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("looper"), """
                {"replies":[{"toolCalls":[{"id":"toolu_x","name":"healthCheck","input":{}}],"repeat":2},
                            {"text":"finished"}]}""")) {
            CliRun run = s.run("looper", "Loop a little", "--max-steps", "10");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stateTypes()).endsWith("completeRun");
            assertThat(run.last("completeRun").path("stepNumber").asInt()).isEqualTo(3);
            assertThat(List.copyOf(run.ofType("callTools"))).hasSize(2);
        }
    }

    @Test
    void unreachableProviderIsRetriedThenStopsWithAnError() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[]}")) {
            CliRun run = s.cli().env("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + closedPort + "/v1")
                    .run("run", "greeter", "Say hello", "--runtime", "local", "--max-retries", "1");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.count("retry")).isEqualTo(1);
            assertThat(run.last("stopRunByError").path("error").path("message").asText())
                    .startsWith("Max retries (1) exceeded:");
            Path job = s.storage().resolve("jobs").resolve(run.jobId()).resolve("job.json");
            assertThat(Json.mapper().readTree(job.toFile()).path("status").asText()).isEqualTo("stoppedByError");
        }
    }
}
