package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.nio.charset.StandardCharsets;

/** Server-sent-event framing: one frame per event, terminated by a blank line. */
final class Sse {
    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private Sse() {}

    /** {@code event: <name>} plus {@code data: <json>}, as Anthropic names every event. */
    static byte[] event(String name, JsonNode data) {
        return ("event: " + name + "\ndata: " + Json.write(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A data-only frame, as OpenAI and Gemini send. */
    static byte[] data(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] data(JsonNode data) {
        return data(Json.write(data));
    }
}
