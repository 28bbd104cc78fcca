package io.perstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.config.PerstackToml;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.runtime.loop.RunControl;
import io.perstack.runtime.storage.FileStorage;
import io.perstack.runtime.storage.Storage;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The next step's request goes out while a step's checkpoint is still being persisted and emitted, and nothing a
 * listener can see changes because of it.
 */
class EarlyGenerationTest {
    private static final long WAIT_MS = 10_000;

    @TempDir
    Path workspace;

    private RunSetting setting(ScriptedLlmServer server) throws Exception {
        Files.writeString(workspace.resolve("perstack.toml"), """
                reasoningBudget = "medium"
                [experts."worker"]
                instruction = "Work."
                """);
        return RunSetting.builder().config(PerstackToml.read(workspace.resolve("perstack.toml")))
                .expertKey("worker").input(RunInput.text("Go"))
                .env(Map.of("ANTHROPIC_API_KEY", "dummy", "ANTHROPIC_BASE_URL", server.anthropicBaseUrl()))
                .runtime("local").workspace(workspace).build();
    }

    /** Holds every continueToNextStep until the server has seen one more request, or gives up after a while. */
    private static RunListener holdingCheckpointsUntilTheNextRequest(ScriptedLlmServer server, List<Event> events,
                                                                     AtomicBoolean everyRequestWasEarly) {
        return event -> {
            if (event.payload() instanceof EventPayload.ContinueToNextStep) {
                int next = event.stepNumber() + 1;
                long deadline = System.currentTimeMillis() + WAIT_MS;
                while (server.requestCount() < next && System.currentTimeMillis() < deadline) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (server.requestCount() < next) {
                    everyRequestWasEarly.set(false);
                }
            }
            events.add(event);
        };
    }

    @Test
    void theNextStepsRequestGoesOutBeforeTheStepsCheckpointReachesListeners() throws Exception {
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse("""
                {"replies":[{"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}],"repeat":3},
                            {"text":"done"}]}"""))) {
            List<Event> events = new CopyOnWriteArrayList<>();
            AtomicBoolean early = new AtomicBoolean(true);
            Storage storage = new FileStorage(workspace.resolve("perstack"));

            Checkpoint last = Perstack.run(setting(server), null,
                    RunOptions.of(storage, holdingCheckpointsUntilTheNextRequest(server, events, early)));

            assertThat(early).as("each next request arrived while its step's checkpoint was held").isTrue();
            assertThat(last.status()).isEqualTo(CheckpointStatus.COMPLETED);
            assertThat(server.requests()).hasSize(4);
            // Request N+1 carries the history step N's checkpoint hands on: N tool results so far.
            for (int n = 1; n < server.requests().size(); n++) {
                String body = server.requests().get(n).bodyText();
                assertThat(body.split("\"tool_result\"", -1).length - 1).isEqualTo(n);
            }
            assertThat(events).extracting(Event::type).containsSubsequence("startGeneration", "callTools",
                    "continueToNextStep", "startGeneration", "callTools", "continueToNextStep", "startGeneration",
                    "completeRun");
        }
    }

    @Test
    void reasoningStreamedByAnEarlyGenerationIsEmittedAfterItsStartGeneration() throws Exception {
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse("""
                {"replies":[{"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}]},
                            {"thinking":{"text":"Second thoughts","signature":"sig-2"},
                             "toolCalls":[{"id":"toolu_2","name":"healthCheck","input":{}}]},
                            {"text":"done"}]}"""))) {
            List<Event> events = new CopyOnWriteArrayList<>();
            AtomicBoolean early = new AtomicBoolean(true);
            Storage storage = new FileStorage(workspace.resolve("perstack"));

            Perstack.run(setting(server), null,
                    RunOptions.of(storage, holdingCheckpointsUntilTheNextRequest(server, events, early)));

            // The reasoning of step 2 was streamed while step 1's checkpoint was held; it still comes after step
            // 2's startGeneration, as it would without the early start.
            List<String> step2 = events.stream().filter(e -> Integer.valueOf(2).equals(e.stepNumber()))
                    .map(Event::type).toList();
            assertThat(step2).containsSubsequence("startGeneration", "startStreamingReasoning", "streamReasoning",
                    "completeStreamingReasoning", "callTools");
            assertThat(early).isTrue();
        }
    }

    @Test
    void aContinueHookThatMayStopTheRunGetsNoRequestAhead() throws Exception {
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse("""
                {"replies":[{"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}],"repeat":5},
                            {"text":"unreachable"}]}"""))) {
            Storage storage = new FileStorage(workspace.resolve("perstack"));
            RunControl stopAfterOneStep = new RunControl((checkpoint, step) -> checkpoint.stepNumber() < 2);

            Checkpoint last = Perstack.run(setting(server), null,
                    RunOptions.of(storage).withControl(stopAfterOneStep));

            assertThat(last.stepNumber()).isEqualTo(2);
            // A request sent ahead would cost tokens for a step that never runs.
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aReachedBudgetStopsTheRunWithoutARequestAhead() throws Exception {
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse("""
                {"replies":[{"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}],
                             "usage":{"input":1000000,"output":0}},
                            {"text":"unreachable"}]}"""))) {
            Files.writeString(workspace.resolve("perstack.toml"), """
                    model = "priced-model"
                    maxCostUsd = 0.5
                    [pricing."priced-model"]
                    input = 1.0
                    cachedInput = 0.1
                    output = 1.0
                    [experts."worker"]
                    instruction = "Work."
                    """);
            RunSetting setting = RunSetting.builder().config(PerstackToml.read(workspace.resolve("perstack.toml")))
                    .expertKey("worker").input(RunInput.text("Go"))
                    .env(Map.of("ANTHROPIC_API_KEY", "dummy", "ANTHROPIC_BASE_URL", server.anthropicBaseUrl()))
                    .runtime("local").workspace(workspace).build();

            Storage storage = new FileStorage(workspace.resolve("perstack"));

            Checkpoint last = Perstack.run(setting, null, RunOptions.of(storage));

            assertThat(last.status()).isEqualTo(CheckpointStatus.STOPPED_BY_ERROR);
            assertThat(last.error().name()).isEqualTo("BudgetExceeded");
            assertThat(last.error().message()).isEqualTo("Estimated job cost $1.0000 reached the budget of $0.5");
            // One million input tokens at $1 per million spent the budget in step 1: step 2 is never asked for.
            assertThat(server.requests()).hasSize(1);
        }
    }
}
