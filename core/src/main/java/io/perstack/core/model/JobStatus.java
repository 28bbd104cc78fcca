package io.perstack.core.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Status of a job (docs/runtime.md §1). */
public enum JobStatus {
    RUNNING("running"),
    COMPLETED("completed"),
    STOPPED_BY_MAX_STEPS("stoppedByMaxSteps"),
    STOPPED_BY_INTERACTIVE_TOOL("stoppedByInteractiveTool"),
    STOPPED_BY_ERROR("stoppedByError");

    private final String wire;

    JobStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
