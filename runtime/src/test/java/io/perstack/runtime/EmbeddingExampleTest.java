package io.perstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.config.PerstackConfig;
import io.perstack.core.config.PerstackToml;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/embedding.md, run as written against the scripted LLM server. */
class EmbeddingExampleTest {
    @TempDir
    Path workspace;

    @Test
    void runListenAndContinueAJobFromJava() throws Exception {
        Files.writeString(workspace.resolve("perstack.toml"), """
                model = "claude-sonnet-4-5"

                [experts."greeter"]
                description = "Greets"
                instruction = "Greet the user."
                """);
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse("""
                {"replies":[{"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}]},
                            {"text":"Hello!"},{"text":"Goodbye!"}]}"""))) {
            Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "sk-ant-dummy",
                    "ANTHROPIC_BASE_URL", server.anthropicBaseUrl());

            // --- docs/embedding.md: begin
            PerstackConfig config = PerstackToml.read(workspace.resolve("perstack.toml"));
            Storage storage = new FileStorage(workspace.resolve("perstack"));
            List<Event> events = new CopyOnWriteArrayList<>();
            RunListener listener = event -> {
                // A checkpoint carried by an event is already stored when the listener sees the event.
                if (event.payload() instanceof EventPayload.WithCheckpoint carrying) {
                    Checkpoint stored = storage.readCheckpoint(event.jobId(), carrying.checkpoint().id());
                    assertThat(stored.stepNumber()).isEqualTo(carrying.checkpoint().stepNumber());
                }
                events.add(event);
            };

            RunSetting first = RunSetting.builder()
                    .config(config)
                    .expertKey("greeter")
                    .input(RunInput.text("Say hello"))
                    .env(env)                 // credentials are read from here, never stored
                    .runtime("local")         // no isolation; the default is "sandbox"
                    .workspace(workspace)
                    .build();
            Checkpoint hello = Perstack.run(first, null, RunOptions.of(storage, listener));

            RunSetting next = RunSetting.builder()
                    .config(config)
                    .jobId(hello.jobId())     // a continuation keeps the job
                    .expertKey("greeter")
                    .input(RunInput.text("Now say goodbye"))
                    .env(env)
                    .runtime("local")
                    .workspace(workspace)
                    .build();
            Checkpoint goodbye = Perstack.run(next, hello, RunOptions.of(storage, listener));
            // --- docs/embedding.md: end

            assertThat(hello.status()).isEqualTo(CheckpointStatus.COMPLETED);
            assertThat(hello.stepNumber()).isEqualTo(2);
            assertThat(goodbye.status()).isEqualTo(CheckpointStatus.COMPLETED);
            assertThat(goodbye.jobId()).isEqualTo(hello.jobId());
            assertThat(goodbye.stepNumber()).isEqualTo(3);
            assertThat(goodbye.messages()).hasSize(hello.messages().size() + 2);
            assertThat(events).extracting(Event::type).containsSubsequence("initializeRuntime", "startRun",
                    "callTools", "completeRun", "initializeRuntime", "startRun", "completeRun");
            Job job = storage.readJob(hello.jobId()).orElseThrow();
            assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job.totalSteps()).isEqualTo(3);
            assertThat(storage.listRunIds(hello.jobId())).hasSize(2);
            // The history sent for the continuation is the first run's followed by the new query.
            assertThat(server.requests().getLast().bodyText()).contains("Say hello", "Hello!", "Now say goodbye");
        }
    }

    @Test
    void continueHookStopsTheRunWhereItIsAndLeavesItResumable() throws Exception {
        Files.writeString(workspace.resolve("perstack.toml"), """
                [experts."looper"]
                instruction = "Loop."
                """);
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse("""
                {"replies":[{"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}],"repeat":5},
                            {"text":"unreachable"}]}"""))) {
            Storage storage = new FileStorage(workspace.resolve("perstack"));
            RunSetting setting = RunSetting.builder()
                    .config(PerstackToml.read(workspace.resolve("perstack.toml")))
                    .expertKey("looper").input(RunInput.text("Loop"))
                    .env(Map.of("ANTHROPIC_API_KEY", "dummy", "ANTHROPIC_BASE_URL", server.anthropicBaseUrl()))
                    .runtime("local").workspace(workspace).build();
            RunControl stopAfterTwoSteps = new RunControl((checkpoint, step) -> checkpoint.stepNumber() < 3);

            Checkpoint last = Perstack.run(setting, null, RunOptions.of(storage).withControl(stopAfterTwoSteps));

            assertThat(last.stepNumber()).isEqualTo(3);
            assertThat(last.status()).isEqualTo(CheckpointStatus.PROCEEDING);
            assertThat(server.requests()).hasSize(2);
            assertThat(storage.readJob(setting.run().jobId()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        }
    }
}
