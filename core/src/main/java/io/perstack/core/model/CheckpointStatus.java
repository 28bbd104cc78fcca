package io.perstack.core.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Status of a checkpoint (docs/runtime.md §1). */
public enum CheckpointStatus {
    INIT("init"),
    PROCEEDING("proceeding"),
    COMPLETED("completed"),
    STOPPED_BY_INTERACTIVE_TOOL("stoppedByInteractiveTool"),
    STOPPED_BY_DELEGATE("stoppedByDelegate"),
    STOPPED_BY_EXCEEDED_MAX_STEPS("stoppedByExceededMaxSteps"),
    STOPPED_BY_ERROR("stoppedByError");

    private final String wire;

    CheckpointStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public static CheckpointStatus fromWire(String value) {
        for (CheckpointStatus s : values()) {
            if (s.wire.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown checkpoint status: " + value);
    }
}
