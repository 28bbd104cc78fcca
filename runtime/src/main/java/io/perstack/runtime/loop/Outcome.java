package io.perstack.runtime.loop;

import io.perstack.core.event.EventPayload;

/** What one state's logic ended with: the one event it produced, or the run being cancelled meanwhile. */
sealed interface Outcome {
    /**
     * @param state the state the event applies to: the logic may have moved the step's pending calls and partial
     *              results or the checkpoint's todos on before the event (docs/runtime.md §5.1, callDelegate)
     */
    record Produced(EventPayload.State event, LoopState state) implements Outcome {}

    /** Cancelled while generating or waiting: nothing is emitted and the last persisted checkpoint stands. */
    enum Cancelled implements Outcome { INSTANCE }
}
