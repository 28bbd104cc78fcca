package io.perstack.runtime.loop;

import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Step;

/** The in-memory checkpoint and step of a run segment between two events. */
record LoopState(Checkpoint checkpoint, Step step) {
    LoopState withCheckpoint(Checkpoint c) {
        return new LoopState(c, step);
    }

    LoopState withStep(Step s) {
        return new LoopState(checkpoint, s);
    }
}
