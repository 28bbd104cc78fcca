package io.perstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.PerstackConfig;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.Job;
import io.perstack.core.model.Usage;
import io.perstack.llm.FinishReason;
import io.perstack.llm.GeneratedToolCall;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.GenerationResult;
import io.perstack.llm.LlmClient;
import io.perstack.runtime.storage.FileStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job record through the real job loop: current at every checkpoint, totals that only grow across a branch, and
 * no record for a job that never got to its first step (docs/storage.md, "Job totals").
 */
class JobRecordTest {
    private static final Usage PER_GENERATION = Usage.of(1_000, 0, 100, 0);
    private static final PerstackConfig.Price PRICE = new PerstackConfig.Price(3.0, null, 15.0);
    /** 1000 input tokens at $3/M plus 100 output tokens at $15/M. */
    private static final double COST_PER_GENERATION = 0.0045;

    @TempDir
    Path temp;
    private Path root;
    private FileStorage storage;

    /** Calls a tool that does not exist (its error result keeps the run going) {@code toolSteps} times, then answers. */
    private static final class ToolLoopModel implements LlmClient {
        private final int toolSteps;
        private final AtomicInteger generations = new AtomicInteger();

        ToolLoopModel(int toolSteps) {
            this.toolSteps = toolSteps;
        }

        @Override
        public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
            boolean tool = generations.getAndIncrement() < toolSteps;
            List<GeneratedToolCall> calls = tool
                    ? List.of(new GeneratedToolCall(Ids.next(), "missingTool", Json.object())) : List.of();
            return new GenerationOutcome.Generated(new GenerationResult(List.of(), tool ? "" : "done", calls,
                    FinishReason.of(tool ? FinishReason.Kind.TOOL_CALLS : FinishReason.Kind.STOP), PER_GENERATION));
        }

        @Override
        public String providerName() {
            return "anthropic";
        }
    }

    @BeforeEach
    void storage() throws Exception {
        Files.createDirectories(temp.resolve("workspace"));
        root = temp.resolve("perstack");
        storage = new FileStorage(root);
    }

    private RunSetting setting(String jobId, List<String> delegates) {
        Map<String, ExpertConfig> experts = new LinkedHashMap<>();
        experts.put("coordinator", new ExpertConfig("coordinator", "coordinator", "1.0.0", null, "Coordinates",
                "Work.", delegates, List.of(), null, List.of(), null, null));
        long now = System.currentTimeMillis();
        return new RunSetting(new JobSettings("test-model", ProviderConfig.DEFAULT, experts, ReasoningBudget.LOW, 50,
                0, 60_000, null, null, null, Map.of(), null, false, "local", temp.resolve("workspace"), List.of(), null,
                JobSettings.DEFAULT_TOOL_RESULT_MAX_BYTES, Map.of("test-model", PRICE)),
                new RunSpec(jobId, Ids.next(), "coordinator", RunInput.text("go"), now));
    }

    private RunOptions options(LlmClient model, RunListener listener) {
        return new RunOptions(storage, List.of(listener), null, s -> model, null, root);
    }

    private Job storedJob(String jobId) {
        return new FileStorage(root).readJob(jobId).orElseThrow();
    }

    @Test
    void jobRecordSaysHowFarTheJobGotAtEveryCheckpoint() {
        String jobId = Ids.next();
        List<String> seen = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        RunListener readJobJson = e -> {
            if (e.payload() instanceof EventPayload.ContinueToNextStep c) {
                // What a reader finds on disk once the step's checkpoint is announced (e.g. after Ctrl-C here).
                Job job = storedJob(jobId);
                int step = c.checkpoint().stepNumber();
                seen.add(job.totalSteps() + " " + job.usage() + " " + String.format("%.4f", job.estimatedCostUsd()));
                expected.add(step + " " + times(step) + " " + String.format("%.4f", step * COST_PER_GENERATION));
            }
        };

        Perstack.run(setting(jobId, List.of()), null, options(new ToolLoopModel(5), readJobJson));

        assertThat(seen).hasSize(5).isEqualTo(expected);
        Job done = storedJob(jobId);
        assertThat(done.totalSteps()).isEqualTo(6);
        assertThat(done.usage()).isEqualTo(times(6));
    }

    @Test
    void aBranchAddsToTheJobsUsageAndCostAndKeepsTheHighestStep() {
        String jobId = Ids.next();
        List<Checkpoint> checkpoints = new ArrayList<>();
        RunListener collect = e -> {
            if (e.payload() instanceof EventPayload.WithCheckpoint c) {
                checkpoints.add(c.checkpoint());
            }
        };
        Perstack.run(setting(jobId, List.of()), null, options(new ToolLoopModel(4), collect));
        Job before = storedJob(jobId);
        assertThat(before.totalSteps()).isEqualTo(5);
        assertThat(before.usage()).isEqualTo(times(5));

        // --resume-from the step-1 checkpoint: two more generations, the branch ends at step 3.
        Checkpoint step1 = storage.readCheckpoint(jobId, checkpoints.getFirst().id());
        RunSetting base = setting(jobId, List.of());
        RunSetting branch = new RunSetting(base.job(), base.run().next("coordinator", RunInput.text("again")));
        Checkpoint end = Perstack.run(branch, step1, options(new ToolLoopModel(1), e -> { }));

        assertThat(end.status()).isEqualTo(CheckpointStatus.COMPLETED);
        assertThat(end.stepNumber()).isEqualTo(3);
        assertThat(end.usage()).as("the branch's own history").isEqualTo(times(3));
        Job after = storedJob(jobId);
        assertThat(after.usage()).as("every generation the job ran").isEqualTo(times(7));
        assertThat(after.estimatedCostUsd()).isCloseTo(7 * COST_PER_GENERATION, org.assertj.core.data.Offset.offset(
                1e-9));
        assertThat(after.totalSteps()).as("the highest step reached").isEqualTo(5);
    }

    @Test
    void aFreshJobThatFailsBeforeItsFirstStepLeavesNoJobRecord() {
        String jobId = Ids.next();
        List<String> types = new ArrayList<>();

        assertThatThrownBy(() -> Perstack.run(setting(jobId, List.of("ghost")), null,
                options(new ToolLoopModel(0), e -> types.add(e.type()))))
                .hasMessageContaining("Delegate expert \"ghost\" not found in experts");

        assertThat(root.resolve("jobs").resolve(jobId).resolve("job.json")).doesNotExist();
        assertThat(new FileStorage(root).readJobs()).isEmpty();
        assertThat(types).doesNotContain("startRun");
    }

    @Test
    void aContinuationThatFailsBeforeItsFirstStepStillMarksTheJobStoppedByError() {
        String jobId = Ids.next();
        Checkpoint first = Perstack.run(setting(jobId, List.of()), null, options(new ToolLoopModel(0), e -> { }));
        RunSetting ghost = setting(jobId, List.of("ghost"));
        RunSetting broken = new RunSetting(ghost.job(), ghost.run().next("coordinator", RunInput.text("more")));

        assertThatThrownBy(() -> Perstack.run(broken, storage.readCheckpoint(jobId, first.id()),
                options(new ToolLoopModel(0), e -> { })));

        assertThat(storedJob(jobId).status().wire()).isEqualTo("stoppedByError");
        assertThat(storedJob(jobId).usage()).isEqualTo(times(1));
    }

    private static Usage times(int n) {
        Usage u = Usage.ZERO;
        for (int i = 0; i < n; i++) {
            u = u.plus(PER_GENERATION);
        }
        return u;
    }
}
