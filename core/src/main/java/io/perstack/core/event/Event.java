package io.perstack.core.event;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.perstack.core.json.EventJson;

/**
 * An event: the header fields of docs/events.md §1 plus a payload. Runtime events have no {@code expertKey} and no
 * {@code stepNumber}. Serialised flat: {@code {"type":..., "id":..., ..., <payload fields>}}.
 */
@JsonSerialize(using = EventJson.Serializer.class)
@JsonDeserialize(using = EventJson.Deserializer.class)
public record Event(String id, String expertKey, long timestamp, String jobId, String runId, Integer stepNumber,
                    EventPayload payload) {

    /** Runtime events never carry {@code expertKey} or {@code stepNumber} (docs/events.md §1). */
    public Event {
        if (payload instanceof EventPayload.Runtime && !(payload instanceof EventPayload.Unknown)) {
            expertKey = null;
            stepNumber = null;
        }
    }

    public String type() {
        return EventTypes.nameOf(payload);
    }

    public boolean isRuntime() {
        return payload instanceof EventPayload.Runtime;
    }

    /** Whether storage keeps this event ({@code stream*} deltas are display-only). */
    public boolean isPersisted() {
        return !(payload instanceof EventPayload.StreamReasoning || payload instanceof EventPayload.StreamRunResult);
    }
}
