package io.perstack.testkit.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class OtherWiresTest {

    private static final Reply FULL = Reply.text("Hello world")
            .withThinking("Pondering deeply", "sig-9")
            .withToolCall("call_x", "exec", "{\"cmd\":\"echo hi\"}")
            .withUsage(40, 12, 8, 2).withReasoningTokens(5);

    // ---- Gemini ----

    @Test
    void gemini_streams_sse_chunks_with_thoughts_text_function_call_and_final_usage() {
        try (var server = ScriptedLlmServer.start(Script.of(FULL))) {
            HttpResponse<String> response = WireClient.post(
                    server.geminiBaseUrl() + "/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "{}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\r\n\r\n");
            List<JsonNode> chunks = WireClient.sse(response.body()).stream().map(WireClient.SseEvent::json).toList();
            List<JsonNode> parts = chunks.stream()
                    .flatMap(c -> stream(c.path("candidates").path(0).path("content").path("parts"))).toList();
            assertThat(chunks).allSatisfy(c -> {
                assertThat(c.path("candidates").path(0).path("content").path("role").asText()).isEqualTo("model");
                assertThat(c.path("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
            });
            String thoughts = parts.stream().filter(p -> p.path("thought").asBoolean())
                    .map(p -> p.path("text").asText()).collect(Collectors.joining());
            assertThat(thoughts).isEqualTo("Pondering deeply");
            assertThat(parts.stream().filter(p -> p.has("thoughtSignature")).map(p -> p.get("thoughtSignature")
                    .asText())).containsExactly("sig-9");
            String text = parts.stream().filter(p -> !p.path("thought").asBoolean() && p.has("text"))
                    .map(p -> p.path("text").asText()).collect(Collectors.joining());
            assertThat(text).isEqualTo("Hello world");
            assertThat(parts.stream().filter(p -> p.has("functionCall")).map(p -> p.get("functionCall")))
                    .containsExactly(Json.tree("{\"name\":\"exec\",\"args\":{\"cmd\":\"echo hi\"}}"));

            assertThat(chunks.subList(0, chunks.size() - 1))
                    .allSatisfy(c -> assertThat(c.path("candidates").path(0).has("finishReason")).isFalse());
            JsonNode last = chunks.getLast();
            assertThat(last.path("candidates").path(0).path("finishReason").asText()).isEqualTo("STOP");
            assertThat(last.path("usageMetadata")).isEqualTo(Json.tree("""
                    {"promptTokenCount":50,"candidatesTokenCount":7,"cachedContentTokenCount":8,
                     "thoughtsTokenCount":5,"totalTokenCount":62}"""));
            assertThat(server.requests().getFirst().wire()).isEqualTo(Wire.GEMINI);
            assertThat(server.requests().getFirst().model()).isEqualTo("gemini-2.5-flash");
        }
    }

    @Test
    void gemini_without_alt_sse_streams_one_json_array_and_generate_content_returns_one_response() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("array form"), Reply.text("whole")
                .withStopReason("max_tokens")))) {
            HttpResponse<String> array = WireClient.post(
                    server.geminiBaseUrl() + "/models/gemini-2.5-pro:streamGenerateContent", "{}");
            HttpResponse<String> whole = WireClient.post(
                    server.geminiBaseUrl() + "/models/gemini-2.5-pro:generateContent", "{}");

            JsonNode chunks = Json.tree(array.body());
            assertThat(chunks.isArray()).isTrue();
            assertThat(chunks.size()).isGreaterThan(1);
            JsonNode body = Json.tree(whole.body());
            assertThat(body.path("candidates").path(0).path("content").path("parts"))
                    .isEqualTo(Json.tree("[{\"text\":\"whole\"}]"));
            assertThat(body.path("candidates").path(0).path("finishReason").asText()).isEqualTo("MAX_TOKENS");
            assertThat(server.requests()).extracting(RecordedRequest::streaming).containsExactly(true, false);
        }
    }

    @Test
    void gemini_errors_use_the_google_error_shape() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.error(429)))) {
            HttpResponse<String> response = WireClient.post(
                    server.geminiBaseUrl() + "/models/gemini-2.5-flash:generateContent", "{}");

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(Json.tree(response.body())).isEqualTo(Json.tree(
                    "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded (scripted)\","
                            + "\"status\":\"RESOURCE_EXHAUSTED\"}}"));
        }
    }

    // ---- Ollama ----

    @Test
    void ollama_streams_ndjson_by_default_and_ends_with_a_done_line_carrying_counts() {
        try (var server = ScriptedLlmServer.start(Script.of(FULL))) {
            HttpResponse<String> response = WireClient.post(server.ollamaBaseUrl() + "/api/chat",
                    "{\"model\":\"gpt-oss:20b\",\"messages\":[]}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");
            assertThat(response.body()).endsWith("\n");
            List<JsonNode> lines = response.body().lines().map(Json::tree).toList();
            assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> assertThat(l.path("done").asBoolean())
                    .isFalse());
            assertThat(lines.stream().map(l -> l.path("message").path("thinking").asText(""))
                    .collect(Collectors.joining())).isEqualTo("Pondering deeply");
            assertThat(lines.stream().map(l -> l.path("message").path("content").asText(""))
                    .collect(Collectors.joining())).isEqualTo("Hello world");
            assertThat(lines.stream().flatMap(l -> stream(l.path("message").path("tool_calls"))))
                    .containsExactly(Json.tree("{\"function\":{\"name\":\"exec\",\"arguments\":{\"cmd\":\"echo hi\"}}}"));
            JsonNode last = lines.getLast();
            assertThat(last.path("done").asBoolean()).isTrue();
            assertThat(last.path("done_reason").asText()).isEqualTo("stop");
            assertThat(last.path("prompt_eval_count").asInt()).isEqualTo(50);
            assertThat(last.path("eval_count").asInt()).isEqualTo(12);
            assertThat(last.path("model").asText()).isEqualTo("gpt-oss:20b");
        }
    }

    @Test
    void ollama_with_stream_false_returns_one_object_and_errors_are_a_plain_string() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("whole answer"), Reply.error(500)))) {
            HttpResponse<String> whole = WireClient.post(server.ollamaBaseUrl() + "/api/chat",
                    "{\"model\":\"gemma3:1b\",\"stream\":false,\"messages\":[]}");
            HttpResponse<String> failed = WireClient.post(server.ollamaBaseUrl() + "/api/chat",
                    "{\"model\":\"gemma3:1b\",\"stream\":false,\"messages\":[]}");

            JsonNode body = Json.tree(whole.body());
            assertThat(body.path("message")).isEqualTo(Json.tree("{\"role\":\"assistant\",\"content\":\"whole answer\"}"));
            assertThat(body.path("done").asBoolean()).isTrue();
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(Json.tree(failed.body())).isEqualTo(Json.tree("{\"error\":\"Internal server error (scripted)\"}"));
        }
    }

    // ---- Bedrock ----

    @Test
    void bedrock_converse_stream_uses_valid_event_stream_frames_in_converse_order() {
        try (var server = ScriptedLlmServer.start(Script.of(FULL))) {
            HttpResponse<byte[]> response = WireClient.postBytes(
                    server.bedrockBaseUrl() + "/model/anthropic.claude-sonnet-4-5-v1%3A0/converse-stream", "{}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/vnd.amazon.eventstream");
            List<EventMessage> messages = EventMessage.decodeAll(response.body());
            assertThat(messages).allSatisfy(m -> {
                assertThat(m.headers()).containsEntry(":message-type", "event")
                        .containsEntry(":content-type", "application/json");
            });
            List<String> types = messages.stream().map(m -> m.headers().get(":event-type")).distinct().toList();
            assertThat(types).containsExactly("messageStart", "contentBlockDelta", "contentBlockStop",
                    "contentBlockStart", "messageStop", "metadata");

            String reasoning = deltas(messages, 0).map(d -> d.path("reasoningContent").path("text").asText(""))
                    .collect(Collectors.joining());
            assertThat(reasoning).isEqualTo("Pondering deeply");
            assertThat(deltas(messages, 0).map(d -> d.path("reasoningContent").path("signature").asText(""))
                    .collect(Collectors.joining())).isEqualTo("sig-9");
            assertThat(deltas(messages, 1).map(d -> d.path("text").asText()).collect(Collectors.joining()))
                    .isEqualTo("Hello world");
            JsonNode start = messages.stream().filter(m -> m.headers().get(":event-type").equals("contentBlockStart"))
                    .findFirst().orElseThrow().payload();
            assertThat(start).isEqualTo(Json.tree(
                    "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":{\"toolUseId\":\"call_x\",\"name\":\"exec\"}}}"));
            assertThat(deltas(messages, 2).count()).isGreaterThan(1);
            assertThat(Json.tree(deltas(messages, 2).map(d -> d.path("toolUse").path("input").asText())
                    .collect(Collectors.joining()))).isEqualTo(Json.tree("{\"cmd\":\"echo hi\"}"));
            assertThat(messages.get(messages.size() - 2).payload()).isEqualTo(Json.tree("{\"stopReason\":\"tool_use\"}"));
            assertThat(messages.getLast().payload().path("usage")).isEqualTo(Json.tree("""
                    {"inputTokens":40,"outputTokens":12,"totalTokens":62,"cacheReadInputTokens":8,
                     "cacheWriteInputTokens":2}"""));
            assertThat(server.requests().getFirst().model()).isEqualTo("anthropic.claude-sonnet-4-5-v1:0");
        }
    }

    @Test
    void bedrock_converse_returns_one_body_and_names_the_error_type_in_a_header() {
        try (var server = ScriptedLlmServer.start(Script.of(FULL, Reply.error(429)))) {
            HttpResponse<String> whole = WireClient.post(server.bedrockBaseUrl() + "/model/m/converse", "{}");
            HttpResponse<String> throttled = WireClient.post(server.bedrockBaseUrl() + "/model/m/converse", "{}");

            JsonNode body = Json.tree(whole.body());
            assertThat(body.path("output").path("message").path("content")).isEqualTo(Json.tree("""
                    [{"reasoningContent":{"reasoningText":{"text":"Pondering deeply","signature":"sig-9"}}},
                     {"text":"Hello world"},
                     {"toolUse":{"toolUseId":"call_x","name":"exec","input":{"cmd":"echo hi"}}}]"""));
            assertThat(body.path("stopReason").asText()).isEqualTo("tool_use");
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.headers().firstValue("x-amzn-errortype")).hasValue("ThrottlingException");
            assertThat(Json.tree(throttled.body()).path("message").asText()).isEqualTo("Rate limit exceeded (scripted)");
        }
    }

    @Test
    void bedrock_stream_error_is_an_exception_message() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("x").withStreamError("modelStreamErrorException",
                "stream broke")))) {
            List<EventMessage> messages = EventMessage.decodeAll(WireClient.postBytes(
                    server.bedrockBaseUrl() + "/model/m/converse-stream", "{}").body());

            EventMessage last = messages.getLast();
            assertThat(last.headers()).containsEntry(":message-type", "exception")
                    .containsEntry(":exception-type", "modelStreamErrorException");
            assertThat(last.payload().path("message").asText()).isEqualTo("stream broke");
        }
    }

    private static java.util.stream.Stream<JsonNode> deltas(List<EventMessage> messages, int index) {
        return messages.stream().filter(m -> m.headers().get(":event-type").equals("contentBlockDelta"))
                .map(EventMessage::payload).filter(p -> p.path("contentBlockIndex").asInt() == index)
                .map(p -> p.path("delta"));
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }

    /** An AWS event-stream message decoded independently of the server's encoder, checking both CRCs. */
    private record EventMessage(Map<String, String> headers, JsonNode payload) {

        static List<EventMessage> decodeAll(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            List<EventMessage> messages = new ArrayList<>();
            while (buffer.hasRemaining()) {
                int start = buffer.position();
                int total = buffer.getInt();
                int headersLength = buffer.getInt();
                int preludeCrc = buffer.getInt();
                assertThat(preludeCrc).isEqualTo(crc(bytes, start, 8));
                Map<String, String> headers = new LinkedHashMap<>();
                int headersEnd = buffer.position() + headersLength;
                while (buffer.position() < headersEnd) {
                    byte[] name = new byte[buffer.get() & 0xff];
                    buffer.get(name);
                    assertThat(buffer.get()).as("header value type").isEqualTo((byte) 7);
                    byte[] value = new byte[buffer.getShort() & 0xffff];
                    buffer.get(value);
                    headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
                }
                byte[] payload = new byte[total - 12 - headersLength - 4];
                buffer.get(payload);
                int messageCrc = buffer.getInt();
                assertThat(messageCrc).isEqualTo(crc(bytes, start, total - 4));
                messages.add(new EventMessage(headers, Json.tree(new String(payload, StandardCharsets.UTF_8))));
            }
            return messages;
        }

        private static int crc(byte[] bytes, int offset, int length) {
            CRC32 crc = new CRC32();
            crc.update(bytes, offset, length);
            return (int) crc.getValue();
        }
    }
}
