package io.perstack.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.event.EventPayload;
import io.perstack.core.event.EventPayload.*;
import io.perstack.core.id.Ids;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.Message;
import io.perstack.core.model.RunError;
import io.perstack.core.model.Step;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.Usage;
import io.perstack.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure transitions of docs/runtime.md §5.1, one event at a time. */
class ReducerTest {
    private static final Usage USAGE = new Usage(1_000, 500, 0, 1_500, 500);
    private final Checkpoint checkpoint = Checkpoint.builder().id("cp1").jobId("job").runId("run")
            .status(CheckpointStatus.PROCEEDING).stepNumber(3).messages(List.of()).expert(LoopFixture.WORKER)
            .usage(Usage.ZERO).contextWindow(10_000L).contextWindowUsage(0.0).retryCount(2).build();
    private final LoopState state = new LoopState(checkpoint, Step.start(3, 10));

    @Test
    void callToolsAppendsTheExpertMessageAddsUsageAndClearsTheRetryCount() {
        ToolCall call = new ToolCall("c1", "@perstack/base", "echo", Json.object());
        Message.ExpertMessage message = Messages.expert(List.of(), "", List.of(call));

        LoopState next = Reducer.apply(state, new CallTools(message, List.of(call), USAGE), 20);

        assertThat(next.checkpoint().messagesOrEmpty()).containsExactly(message);
        assertThat(next.checkpoint().usage()).isEqualTo(USAGE);
        assertThat(next.checkpoint().contextWindowUsage()).isEqualTo(0.2);
        assertThat(next.checkpoint().retries()).isZero();
        assertThat(next.step().toolCalls()).containsExactly(call);
        assertThat(next.step().usage()).isEqualTo(USAGE);
        assertThat(Reducer.next(new CallTools(message, List.of(call), USAGE))).isEqualTo(Phase.CALLING_TOOL);
    }

    @Test
    void aRetryCountsUpAndLeadsToFinishingTheStep() {
        Retry retry = new Retry("r", List.of(Messages.user("again")), null, null, USAGE);

        LoopState next = Reducer.apply(state, retry, 20);

        assertThat(next.checkpoint().retries()).isEqualTo(3);
        assertThat(next.checkpoint().messagesOrEmpty()).hasSize(1);
        assertThat(Reducer.next(retry)).isEqualTo(Phase.FINISHING_STEP);
    }

    @Test
    void startGenerationBeginsAFreshStepAtTheGivenTime() {
        LoopState next = Reducer.apply(state.withStep(state.step().withUsage(USAGE)),
                new StartGeneration(List.of()), 42);

        assertThat(next.step().startedAt()).isEqualTo(42);
        assertThat(next.step().usage()).isEqualTo(Usage.ZERO);
        assertThat(next.step().stepNumber()).isEqualTo(3);
        assertThat(next.checkpoint()).isSameAs(checkpoint);
    }

    @Test
    void continueToNextStepMovesToTheNextCheckpoint() {
        Checkpoint following = checkpoint.toBuilder().id(Ids.next()).stepNumber(4).build();

        LoopState next = Reducer.apply(state, new ContinueToNextStep(checkpoint, state.step(), following), 20);

        assertThat(next.checkpoint()).isSameAs(following);
        assertThat(Reducer.next(new ContinueToNextStep(checkpoint, state.step(), following)))
                .isEqualTo(Phase.PREPARING_FOR_STEP);
    }

    @Test
    void everyTerminalEventStopsTheMachineWithItsCheckpoint() {
        Checkpoint done = checkpoint.toBuilder().status(CheckpointStatus.STOPPED_BY_ERROR).build();
        List<EventPayload.State> terminals = List.of(
                new CompleteRun(done, state.step(), "t", Usage.ZERO),
                new StopRunByError(done, state.step(), new RunError("E", "m", null, false)),
                new StopRunByInteractiveTool(done, state.step()),
                new StopRunByDelegate(done, state.step()),
                new StopRunByExceededMaxSteps(done, state.step()));
        for (EventPayload.State t : terminals) {
            assertThat(Reducer.next(t)).as(t.getClass().getSimpleName()).isEqualTo(Phase.STOPPED);
            assertThat(Reducer.apply(state, t, 20).checkpoint().status()).isEqualTo(CheckpointStatus.STOPPED_BY_ERROR);
        }
        assertThat(Reducer.apply(state, terminals.getFirst(), 20).checkpoint().retries())
                .as("completeRun clears the retry count").isZero();
    }
}
