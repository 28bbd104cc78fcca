package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama {@code /api/chat}. Streams by default (only {@code "stream": false} turns it off) as NDJSON: one object per
 * line with {@code message.thinking} or {@code message.content} fragments and {@code "done": false}, the tool calls
 * whole in one line, then a {@code "done": true} line with {@code done_reason} and the token counts.
 */
record OllamaChatFormat() implements WireFormat {
    private static final String NDJSON = "application/x-ndjson";

    @Override
    public Wire wire() {
        return Wire.OLLAMA;
    }

    @Override
    public boolean streaming(String path, String query, JsonNode body) {
        return body.path("stream").asBoolean(true);
    }

    @Override
    public JsonNode body(Reply reply, RecordedRequest request) {
        ObjectNode body = head(request);
        ObjectNode message = body.putObject("message").put("role", "assistant")
                .put("content", reply.text() == null ? "" : reply.text());
        if (reply.thinking() != null) {
            message.put("thinking", reply.thinking().text());
        }
        if (!reply.toolCalls().isEmpty()) {
            toolCalls(message, reply);
        }
        return finish(body, reply);
    }

    @Override
    public Stream stream(Reply reply, RecordedRequest request) {
        List<byte[]> frames = new ArrayList<>();
        if (reply.thinking() != null) {
            for (String piece : Fragments.ofText(reply.thinking().text())) {
                ObjectNode line = head(request);
                line.putObject("message").put("role", "assistant").put("content", "").put("thinking", piece);
                frames.add(line(line.put("done", false)));
            }
        }
        if (reply.text() != null) {
            for (String piece : Fragments.ofText(reply.text())) {
                ObjectNode line = head(request);
                line.putObject("message").put("role", "assistant").put("content", piece);
                frames.add(line(line.put("done", false)));
            }
        }
        if (!reply.toolCalls().isEmpty()) {
            ObjectNode line = head(request);
            toolCalls(line.putObject("message").put("role", "assistant").put("content", ""), reply);
            frames.add(line(line.put("done", false)));
        }
        if (reply.streamError() != null) {
            frames.add(line(error(500, reply.streamError(), request)));
            return new Stream(NDJSON, frames);
        }
        ObjectNode last = head(request);
        last.putObject("message").put("role", "assistant").put("content", "");
        frames.add(line(finish(last, reply)));
        return new Stream(NDJSON, frames);
    }

    @Override
    public JsonNode error(int status, Reply.ProviderError error, RecordedRequest request) {
        return Json.object().put("error", new HttpError(status, error).message());
    }

    private static void toolCalls(ObjectNode message, Reply reply) {
        ArrayNode calls = message.putArray("tool_calls");
        for (Reply.ToolCall call : reply.toolCalls()) {
            calls.addObject().putObject("function").put("name", call.name()).set("arguments", call.input());
        }
    }

    private static ObjectNode head(RecordedRequest request) {
        return Json.object().put("model", request.model() == null ? "scripted-model" : request.model())
                .put("created_at", Instant.now().toString());
    }

    private static ObjectNode finish(ObjectNode body, Reply reply) {
        // Ollama has no cache accounting: every prompt token is evaluated.
        return body.put("done", true).put("done_reason", reply.effectiveStopReason().ollama())
                .put("total_duration", 1_000_000).put("load_duration", 0)
                .put("prompt_eval_count", reply.usage().promptTotal()).put("prompt_eval_duration", 500_000)
                .put("eval_count", reply.usage().output()).put("eval_duration", 500_000);
    }

    private static byte[] line(JsonNode node) {
        return (Json.write(node) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
