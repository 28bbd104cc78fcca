package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic Messages API. Streams {@code message_start}, {@code ping}, one {@code content_block_start / _delta… /
 * _stop} group per block (thinking with {@code thinking_delta} then {@code signature_delta}, text with
 * {@code text_delta}, tool use with {@code input_json_delta} fragments), {@code message_delta} with the stop reason
 * and usage, and {@code message_stop}; a stream error is an {@code error} event.
 */
record AnthropicMessagesFormat() implements WireFormat {

    @Override
    public Wire wire() {
        return Wire.ANTHROPIC;
    }

    @Override
    public boolean streaming(String path, String query, JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    @Override
    public JsonNode body(Reply reply, RecordedRequest request) {
        ObjectNode message = message(reply, request);
        ArrayNode content = message.putArray("content");
        if (reply.thinking() != null) {
            ObjectNode block = content.addObject().put("type", "thinking").put("thinking", reply.thinking().text());
            block.put("signature", reply.thinking().signature() == null ? "" : reply.thinking().signature());
        }
        if (reply.text() != null) {
            content.addObject().put("type", "text").put("text", reply.text());
        }
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            Reply.ToolCall call = reply.toolCalls().get(i);
            content.addObject().put("type", "tool_use").put("id", WireFormat.toolCallId(call, request, i))
                    .put("name", call.name()).set("input", call.input());
        }
        message.put("stop_reason", reply.effectiveStopReason().anthropic());
        message.putNull("stop_sequence");
        message.set("usage", usage(reply.usage(), reply.usage().output()));
        return message;
    }

    @Override
    public Stream stream(Reply reply, RecordedRequest request) {
        List<byte[]> frames = new ArrayList<>();
        ObjectNode start = message(reply, request);
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        // Like the real API, message_start reports the input side and a token-or-so of output; the final count
        // arrives in message_delta.
        start.set("usage", usage(reply.usage(), Math.min(1, reply.usage().output())));
        frames.add(Sse.event("message_start", Json.object().put("type", "message_start").set("message", start)));
        frames.add(Sse.event("ping", Json.object().put("type", "ping")));

        int index = 0;
        if (reply.thinking() != null) {
            frames.add(blockStart(index, Json.object().put("type", "thinking").put("thinking", "")));
            for (String piece : Fragments.ofText(reply.thinking().text())) {
                frames.add(blockDelta(index, Json.object().put("type", "thinking_delta").put("thinking", piece)));
            }
            if (reply.thinking().signature() != null) {
                frames.add(blockDelta(index, Json.object().put("type", "signature_delta")
                        .put("signature", reply.thinking().signature())));
            }
            frames.add(blockStop(index++));
        }
        if (reply.text() != null) {
            frames.add(blockStart(index, Json.object().put("type", "text").put("text", "")));
            for (String piece : Fragments.ofText(reply.text())) {
                frames.add(blockDelta(index, Json.object().put("type", "text_delta").put("text", piece)));
            }
            frames.add(blockStop(index++));
        }
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            Reply.ToolCall call = reply.toolCalls().get(i);
            ObjectNode block = Json.object().put("type", "tool_use").put("id", WireFormat.toolCallId(call, request, i))
                    .put("name", call.name());
            block.putObject("input");
            frames.add(blockStart(index, block));
            for (String piece : Fragments.ofJson(Json.write(call.input()))) {
                frames.add(blockDelta(index, Json.object().put("type", "input_json_delta").put("partial_json", piece)));
            }
            frames.add(blockStop(index++));
        }
        if (reply.streamError() != null) {
            frames.add(Sse.event("error", errorJson(reply.streamError().type(), reply.streamError().message(), null)));
            return new Stream(Sse.CONTENT_TYPE, frames);
        }
        ObjectNode delta = Json.object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", reply.effectiveStopReason().anthropic()).putNull("stop_sequence");
        delta.set("usage", usage(reply.usage(), reply.usage().output()));
        frames.add(Sse.event("message_delta", delta));
        frames.add(Sse.event("message_stop", Json.object().put("type", "message_stop")));
        return new Stream(Sse.CONTENT_TYPE, frames);
    }

    @Override
    public JsonNode error(int status, Reply.ProviderError error, RecordedRequest request) {
        HttpError http = new HttpError(status, error);
        return errorJson(http.anthropicType(), http.message(), "req_scripted_" + request.index());
    }

    private static ObjectNode errorJson(String type, String message, String requestId) {
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        return body;
    }

    private static ObjectNode message(Reply reply, RecordedRequest request) {
        String model = request.model() == null ? "scripted-model" : request.model();
        return Json.object().put("id", "msg_scripted_" + request.index()).put("type", "message")
                .put("role", "assistant").put("model", model);
    }

    private static ObjectNode usage(Reply.Usage usage, int output) {
        return Json.object().put("input_tokens", usage.input())
                .put("cache_creation_input_tokens", usage.cacheWrite())
                .put("cache_read_input_tokens", usage.cacheRead())
                .put("output_tokens", output);
    }

    private static byte[] blockStart(int index, ObjectNode block) {
        ObjectNode event = Json.object().put("type", "content_block_start").put("index", index);
        event.set("content_block", block);
        return Sse.event("content_block_start", event);
    }

    private static byte[] blockDelta(int index, ObjectNode delta) {
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        return Sse.event("content_block_delta", event);
    }

    private static byte[] blockStop(int index) {
        return Sse.event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index));
    }
}
