package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Amazon Bedrock Converse ({@code /model/<id>/converse}) and ConverseStream ({@code /converse-stream}). The stream
 * uses the AWS binary event-stream framing (prelude with total and header lengths and a CRC32, string headers
 * {@code :event-type}, {@code :content-type}, {@code :message-type}, JSON payload, message CRC32) with the events
 * {@code messageStart}, {@code contentBlockStart} (tool use only), {@code contentBlockDelta}, {@code contentBlockStop},
 * {@code messageStop} and {@code metadata}; a stream error is an {@code exception} message.
 */
record BedrockConverseFormat() implements WireFormat {
    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    private static final byte STRING_HEADER = 7;

    @Override
    public Wire wire() {
        return Wire.BEDROCK;
    }

    @Override
    public boolean streaming(String path, String query, JsonNode body) {
        return path.endsWith("/converse-stream");
    }

    @Override
    public JsonNode body(Reply reply, RecordedRequest request) {
        ObjectNode body = Json.object();
        ObjectNode message = body.putObject("output").putObject("message").put("role", "assistant");
        ArrayNode content = message.putArray("content");
        if (reply.thinking() != null) {
            ObjectNode text = content.addObject().putObject("reasoningContent").putObject("reasoningText")
                    .put("text", reply.thinking().text());
            if (reply.thinking().signature() != null) {
                text.put("signature", reply.thinking().signature());
            }
        }
        if (reply.text() != null) {
            content.addObject().put("text", reply.text());
        }
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            Reply.ToolCall call = reply.toolCalls().get(i);
            content.addObject().putObject("toolUse").put("toolUseId", WireFormat.toolCallId(call, request, i))
                    .put("name", call.name()).set("input", call.input());
        }
        body.put("stopReason", reply.effectiveStopReason().bedrock());
        body.set("usage", usage(reply.usage()));
        body.putObject("metrics").put("latencyMs", 1);
        return body;
    }

    @Override
    public Stream stream(Reply reply, RecordedRequest request) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(event("messageStart", Json.object().put("role", "assistant")));
        int index = 0;
        if (reply.thinking() != null) {
            for (String piece : Fragments.ofText(reply.thinking().text())) {
                ObjectNode delta = Json.object();
                delta.putObject("reasoningContent").put("text", piece);
                frames.add(delta(index, delta));
            }
            if (reply.thinking().signature() != null) {
                ObjectNode delta = Json.object();
                delta.putObject("reasoningContent").put("signature", reply.thinking().signature());
                frames.add(delta(index, delta));
            }
            frames.add(event("contentBlockStop", Json.object().put("contentBlockIndex", index++)));
        }
        if (reply.text() != null) {
            for (String piece : Fragments.ofText(reply.text())) {
                frames.add(delta(index, Json.object().put("text", piece)));
            }
            frames.add(event("contentBlockStop", Json.object().put("contentBlockIndex", index++)));
        }
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            Reply.ToolCall call = reply.toolCalls().get(i);
            ObjectNode start = Json.object().put("contentBlockIndex", index);
            start.putObject("start").putObject("toolUse").put("toolUseId", WireFormat.toolCallId(call, request, i))
                    .put("name", call.name());
            frames.add(event("contentBlockStart", start));
            for (String piece : Fragments.ofJson(Json.write(call.input()))) {
                ObjectNode delta = Json.object();
                delta.putObject("toolUse").put("input", piece);
                frames.add(delta(index, delta));
            }
            frames.add(event("contentBlockStop", Json.object().put("contentBlockIndex", index++)));
        }
        if (reply.streamError() != null) {
            HttpError http = new HttpError(500, reply.streamError());
            String type = http.bedrockType();
            // Exception names are lower camel case inside the stream (e.g. modelStreamErrorException).
            String streamType = Character.toLowerCase(type.charAt(0)) + type.substring(1);
            frames.add(message(headers(":exception-type", streamType, ":content-type", "application/json",
                    ":message-type", "exception"), Json.object().put("message", http.message())));
            return new Stream(EVENT_STREAM, frames);
        }
        frames.add(event("messageStop", Json.object().put("stopReason", reply.effectiveStopReason().bedrock())));
        ObjectNode metadata = Json.object();
        metadata.set("usage", usage(reply.usage()));
        metadata.putObject("metrics").put("latencyMs", 1);
        frames.add(event("metadata", metadata));
        return new Stream(EVENT_STREAM, frames);
    }

    @Override
    public JsonNode error(int status, Reply.ProviderError error, RecordedRequest request) {
        return Json.object().put("message", new HttpError(status, error).message());
    }

    @Override
    public Map<String, String> errorHeaders(int status, Reply.ProviderError error) {
        return Map.of("x-amzn-errortype", new HttpError(status, error).bedrockType());
    }

    private static ObjectNode usage(Reply.Usage usage) {
        return Json.object().put("inputTokens", usage.input()).put("outputTokens", usage.output())
                .put("totalTokens", usage.promptTotal() + usage.output())
                .put("cacheReadInputTokens", usage.cacheRead()).put("cacheWriteInputTokens", usage.cacheWrite());
    }

    private static byte[] delta(int index, ObjectNode delta) {
        ObjectNode event = Json.object().put("contentBlockIndex", index);
        event.set("delta", delta);
        return event("contentBlockDelta", event);
    }

    private static byte[] event(String type, JsonNode payload) {
        return message(headers(":event-type", type, ":content-type", "application/json", ":message-type", "event"),
                payload);
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    /** One event-stream message: prelude, prelude CRC, headers, payload, message CRC (all big-endian). */
    static byte[] message(Map<String, String> headers, JsonNode payload) {
        ByteArrayOutputStream encodedHeaders = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            encodedHeaders.write(n.length);
            encodedHeaders.writeBytes(n);
            encodedHeaders.write(STRING_HEADER);
            encodedHeaders.write((v.length >>> 8) & 0xff);
            encodedHeaders.write(v.length & 0xff);
            encodedHeaders.writeBytes(v);
        });
        byte[] h = encodedHeaders.toByteArray();
        byte[] p = Json.writeBytes(payload);
        int total = 12 + h.length + p.length + 4;
        ByteBuffer buffer = ByteBuffer.allocate(total);
        buffer.putInt(total).putInt(h.length);
        buffer.putInt((int) crc(buffer.array(), 0, 8));
        buffer.put(h).put(p);
        buffer.putInt((int) crc(buffer.array(), 0, total - 4));
        return buffer.array();
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
