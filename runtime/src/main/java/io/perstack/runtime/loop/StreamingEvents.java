package io.perstack.runtime.loop;

import io.perstack.core.event.EventPayload;
import io.perstack.core.event.EventPayload.*;
import io.perstack.llm.GenerationListener;
import java.util.function.Consumer;

/**
 * Turns one generation's deltas into streaming events (docs/events.md): one start → deltas → complete group per
 * contiguous reasoning phase and, for the final-result generation, one for the result text. Text deltas of a
 * tool-calling generation are not streamed; they only close the reasoning phase.
 */
final class StreamingEvents implements GenerationListener {
    private final Consumer<EventPayload.Streaming> sink;
    private final boolean streamResult;
    private StringBuilder reasoning;
    private StringBuilder result;

    /** @param streamResult whether text deltas are the run's result (the generation without tools) */
    StreamingEvents(Consumer<EventPayload.Streaming> sink, boolean streamResult) {
        this.sink = sink;
        this.streamResult = streamResult;
    }

    @Override
    public void reasoningDelta(String delta) {
        if (reasoning == null) {
            reasoning = new StringBuilder();
            sink.accept(new StartStreamingReasoning());
        }
        reasoning.append(delta);
        sink.accept(new StreamReasoning(delta));
    }

    @Override
    public void textDelta(String delta) {
        closeReasoning();
        if (!streamResult) {
            return;
        }
        if (result == null) {
            result = new StringBuilder();
            sink.accept(new StartStreamingRunResult());
        }
        result.append(delta);
        sink.accept(new StreamRunResult(delta));
    }

    /** Completes whatever group is still open once the generation ended, reasoning first. */
    void finish() {
        closeReasoning();
        if (result != null) {
            sink.accept(new CompleteStreamingRunResult(result.toString()));
            result = null;
        }
    }

    private void closeReasoning() {
        if (reasoning != null) {
            sink.accept(new CompleteStreamingReasoning(reasoning.toString()));
            reasoning = null;
        }
    }
}
