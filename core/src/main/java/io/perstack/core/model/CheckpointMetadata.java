package io.perstack.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Extra state kept with a checkpoint (docs/runtime.md §1 {@code metadata?{…}}): the Expert's todo list (docs/runtime.md §14) and
 * any other keys, kept verbatim so metadata written by other implementations (for example {@code runtime}) survives a
 * read–write cycle.
 */
public record CheckpointMetadata(Todo todos, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public CheckpointMetadata {
        extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public CheckpointMetadata(Todo todos) {
        this(todos, Map.of());
    }
}
