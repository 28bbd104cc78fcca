package io.perstack.testkit.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AnthropicWireTest {

    private static final String STREAM_REQUEST =
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,\"messages\":[]}";
    private static final String PLAIN_REQUEST =
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[]}";

    @Test
    void streams_thinking_text_and_tool_use_as_the_messages_api_event_sequence() {
        Reply reply = Reply.text("Let me look that up.")
                .withThinking("The user wants the weather.", "sig-abc")
                .withToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}")
                .withUsage(12, 34, 5, 6);
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            HttpResponse<String> response = WireClient.post(server.anthropicBaseUrl() + "/messages", STREAM_REQUEST);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("text/event-stream"));
            List<WireClient.SseEvent> events = WireClient.sse(response.body());
            // Every Anthropic event names itself twice: in the event line and in the payload's type.
            assertThat(events).allSatisfy(e -> assertThat(e.json().path("type").asText()).isEqualTo(e.event()));

            String order = events.stream().map(e -> {
                JsonNode data = e.json();
                return switch (e.event()) {
                    case "content_block_start" -> "start:" + data.path("content_block").path("type").asText();
                    case "content_block_delta" -> "delta:" + data.path("delta").path("type").asText();
                    default -> e.event();
                };
            }).toList().stream().collect(java.util.ArrayList<String>::new,
                    (list, name) -> {
                        // Collapse runs of the same delta type; the run lengths are checked below.
                        if (list.isEmpty() || !list.getLast().equals(name)) {
                            list.add(name);
                        }
                    }, java.util.ArrayList::addAll).stream().collect(Collectors.joining(","));
            assertThat(order).isEqualTo("message_start,ping,start:thinking,delta:thinking_delta,"
                    + "delta:signature_delta,content_block_stop,start:text,delta:text_delta,content_block_stop,"
                    + "start:tool_use,delta:input_json_delta,content_block_stop,message_delta,message_stop");

            JsonNode start = events.getFirst().json().path("message");
            assertThat(start.path("id").asText()).isEqualTo("msg_scripted_0");
            assertThat(start.path("role").asText()).isEqualTo("assistant");
            assertThat(start.path("model").asText()).isEqualTo("claude-sonnet-4-5");
            assertThat(start.path("content").isArray()).isTrue();
            assertThat(start.path("content")).isEmpty();
            assertThat(start.path("stop_reason").isNull()).isTrue();
            assertThat(start.path("usage")).isEqualTo(Json.tree("{\"input_tokens\":12,"
                    + "\"cache_creation_input_tokens\":6,\"cache_read_input_tokens\":5,\"output_tokens\":1}"));

            assertThat(concat(events, 0, "thinking")).isEqualTo("The user wants the weather.");
            assertThat(deltas(events, 0, "thinking_delta")).hasSizeGreaterThan(1);
            assertThat(concat(events, 0, "signature")).isEqualTo("sig-abc");
            assertThat(concat(events, 1, "text")).isEqualTo("Let me look that up.");
            assertThat(deltas(events, 1, "text_delta")).hasSizeGreaterThan(1);
            assertThat(Json.tree(concat(events, 2, "partial_json")))
                    .isEqualTo(Json.tree("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
            assertThat(deltas(events, 2, "input_json_delta")).hasSizeGreaterThan(1);

            JsonNode toolStart = events.stream().filter(e -> e.event().equals("content_block_start"))
                    .map(WireClient.SseEvent::json).filter(d -> d.path("index").asInt() == 2).findFirst()
                    .orElseThrow();
            assertThat(toolStart.path("content_block")).isEqualTo(Json.tree(
                    "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}"));

            JsonNode messageDelta = events.get(events.size() - 2).json();
            assertThat(messageDelta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
            assertThat(messageDelta.path("delta").has("stop_sequence")).isTrue();
            assertThat(messageDelta.path("usage")).isEqualTo(Json.tree("{\"input_tokens\":12,"
                    + "\"cache_creation_input_tokens\":6,\"cache_read_input_tokens\":5,\"output_tokens\":34}"));
            assertThat(events.getLast().data()).isEqualTo("{\"type\":\"message_stop\"}");
        }
    }

    @Test
    void every_content_block_is_opened_and_closed_with_its_own_index() {
        Reply reply = Reply.text("a b c").withToolCall("t1", "one", "{}").withToolCall("t2", "two", "{\"x\":1}");
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            List<WireClient.SseEvent> events =
                    WireClient.sse(WireClient.post(server.anthropicBaseUrl() + "/messages", STREAM_REQUEST).body());

            List<String> lifecycle = events.stream()
                    .filter(e -> e.event().startsWith("content_block_") && !e.event().endsWith("delta"))
                    .map(e -> e.event().substring("content_block_".length()) + e.json().path("index").asInt())
                    .toList();
            assertThat(lifecycle).containsExactly("start0", "stop0", "start1", "stop1", "start2", "stop2");
        }
    }

    @Test
    void non_streaming_request_gets_one_message_body_with_all_blocks_and_usage() {
        Reply reply = Reply.text("Done.").withThinking("thinking…", "sig-1")
                .withToolCall("toolu_9", "exec", "{\"cmd\":\"ls\"}").withUsage(100, 20, 30, 40);
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            HttpResponse<String> response = WireClient.post(server.anthropicBaseUrl() + "/messages", PLAIN_REQUEST);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(Json.tree(response.body())).isEqualTo(Json.tree("""
                    {"id":"msg_scripted_0","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                     "content":[{"type":"thinking","thinking":"thinking…","signature":"sig-1"},
                                {"type":"text","text":"Done."},
                                {"type":"tool_use","id":"toolu_9","name":"exec","input":{"cmd":"ls"}}],
                     "stop_reason":"tool_use","stop_sequence":null,
                     "usage":{"input_tokens":100,"cache_creation_input_tokens":40,"cache_read_input_tokens":30,
                              "output_tokens":20}}
                    """));
            assertThat(server.requests().getFirst().streaming()).isFalse();
        }
    }

    @Test
    void stop_reason_is_derived_from_content_unless_scripted() {
        Script script = Script.of(Reply.text("plain"), Reply.text("cut").withStopReason("max_tokens"),
                Reply.text("odd").withStopReason("pause_turn"), Reply.text("openai word").withStopReason("length"));
        try (var server = ScriptedLlmServer.start(script)) {
            List<String> reasons = java.util.stream.IntStream.range(0, 4)
                    .mapToObj(i -> Json.tree(WireClient.post(server.anthropicBaseUrl() + "/messages", PLAIN_REQUEST)
                            .body()).path("stop_reason").asText())
                    .toList();
            assertThat(reasons).containsExactly("end_turn", "max_tokens", "pause_turn", "max_tokens");
        }
    }

    @Test
    void a_stream_error_ends_the_stream_with_an_error_event_after_the_content() {
        Reply reply = Reply.text("partial answer").withStreamError("overloaded_error", "Overloaded");
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            HttpResponse<String> response = WireClient.post(server.anthropicBaseUrl() + "/messages", STREAM_REQUEST);

            assertThat(response.statusCode()).isEqualTo(200);
            List<WireClient.SseEvent> events = WireClient.sse(response.body());
            assertThat(events.getLast().event()).isEqualTo("error");
            assertThat(events.getLast().json()).isEqualTo(Json.tree(
                    "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
            assertThat(events).extracting(WireClient.SseEvent::event).doesNotContain("message_delta", "message_stop");
            assertThat(concat(events, 0, "text")).isEqualTo("partial answer");
        }
    }

    @Test
    void a_stream_cut_ends_the_response_cleanly_after_that_many_frames_without_finishing_the_message() {
        String json = "{\"replies\":[{\"text\":\"partial answer\",\"cutAfterFrames\":4}]}";
        Script script = Script.parse(json);
        assertThat(script.replies().getFirst()).isEqualTo(Reply.text("partial answer").withStreamCutAfter(4));
        assertThat(Script.parse(script.toJson())).isEqualTo(script);
        try (var server = ScriptedLlmServer.start(script)) {
            HttpResponse<String> response = WireClient.post(server.anthropicBaseUrl() + "/messages", STREAM_REQUEST);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(WireClient.sse(response.body())).extracting(WireClient.SseEvent::event)
                    .containsExactly("message_start", "ping", "content_block_start", "content_block_delta");
        }
    }

    @Test
    void an_error_status_uses_the_anthropic_error_shape_and_scripted_headers() {
        Reply reply = Reply.error(429).withHeader("retry-after", "1");
        try (var server = ScriptedLlmServer.start(Script.of(reply, Reply.error(529),
                Reply.error(400).withError("invalid_request_error", "prompt is too long")))) {
            HttpResponse<String> limited = WireClient.post(server.anthropicBaseUrl() + "/messages", STREAM_REQUEST);
            HttpResponse<String> overloaded = WireClient.post(server.anthropicBaseUrl() + "/messages", PLAIN_REQUEST);
            HttpResponse<String> invalid = WireClient.post(server.anthropicBaseUrl() + "/messages", PLAIN_REQUEST);

            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
            assertThat(limited.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(Json.tree(limited.body())).isEqualTo(Json.tree("""
                    {"type":"error","error":{"type":"rate_limit_error","message":"Rate limit exceeded (scripted)"},
                     "request_id":"req_scripted_0"}"""));
            assertThat(overloaded.statusCode()).isEqualTo(529);
            assertThat(Json.tree(overloaded.body()).path("error").path("type").asText()).isEqualTo("overloaded_error");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(Json.tree(invalid.body()).path("error")).isEqualTo(Json.tree(
                    "{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long\"}"));
        }
    }

    private static List<JsonNode> deltas(List<WireClient.SseEvent> events, int index, String type) {
        return events.stream().filter(e -> e.event().equals("content_block_delta")).map(WireClient.SseEvent::json)
                .filter(d -> d.path("index").asInt() == index && d.path("delta").path("type").asText().equals(type))
                .toList();
    }

    private static String concat(List<WireClient.SseEvent> events, int index, String field) {
        return events.stream().filter(e -> e.event().equals("content_block_delta")).map(WireClient.SseEvent::json)
                .filter(d -> d.path("index").asInt() == index && d.path("delta").has(field))
                .map(d -> d.path("delta").path(field).asText()).collect(Collectors.joining());
    }
}
