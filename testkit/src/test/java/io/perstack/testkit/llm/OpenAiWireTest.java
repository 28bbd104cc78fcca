package io.perstack.testkit.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OpenAiWireTest {

    private static final String STREAM_WITH_USAGE = "{\"model\":\"gpt-4.1\",\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true},\"messages\":[]}";
    private static final String STREAM_WITHOUT_USAGE = "{\"model\":\"gpt-4.1\",\"stream\":true,\"messages\":[]}";
    private static final String PLAIN = "{\"model\":\"gpt-4.1\",\"messages\":[]}";

    @Test
    void streams_chunks_with_tool_call_argument_fragments_usage_chunk_and_done() {
        Reply reply = Reply.text("Checking.")
                .withToolCall("call_a", "read_file", "{\"path\":\"notes/today.md\"}")
                .withToolCall("call_b", "list_dir", "{\"path\":\".\",\"depth\":2}")
                .withUsage(50, 7, 30, 0).withReasoningTokens(3);
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            HttpResponse<String> response =
                    WireClient.post(server.openAiBaseUrl() + "/chat/completions", STREAM_WITH_USAGE);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("text/event-stream"));
            List<WireClient.SseEvent> events = WireClient.sse(response.body());
            assertThat(events).allSatisfy(e -> assertThat(e.event()).isNull());
            assertThat(events.getLast().data()).isEqualTo("[DONE]");
            List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(WireClient.SseEvent::json)
                    .toList();
            assertThat(chunks).allSatisfy(c -> {
                assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
                assertThat(c.path("id").asText()).isEqualTo("chatcmpl-scripted-0");
                assertThat(c.path("model").asText()).isEqualTo("gpt-4.1");
                assertThat(c.has("usage")).isTrue();
            });

            JsonNode first = chunks.getFirst().path("choices").path(0);
            assertThat(first.path("delta")).isEqualTo(Json.tree(
                    "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}"));
            assertThat(first.path("finish_reason").isNull()).isTrue();

            List<JsonNode> contentDeltas = chunks.stream().map(c -> c.path("choices").path(0).path("delta"))
                    .filter(d -> d.has("content") && !d.has("role")).toList();
            assertThat(contentDeltas).hasSizeGreaterThan(1);
            assertThat(contentDeltas.stream().map(d -> d.path("content").asText()).collect(Collectors.joining()))
                    .isEqualTo("Checking.");

            List<JsonNode> toolDeltas = chunks.stream()
                    .flatMap(c -> stream(c.path("choices").path(0).path("delta").path("tool_calls"))).toList();
            for (int index = 0; index < 2; index++) {
                int i = index;
                List<JsonNode> ofCall = toolDeltas.stream().filter(t -> t.path("index").asInt() == i).toList();
                assertThat(ofCall.getFirst().path("type").asText()).isEqualTo("function");
                assertThat(ofCall.getFirst().path("function").path("arguments").asText()).isEmpty();
                // The id and the name come once, in the opening fragment; clients append what they receive.
                assertThat(ofCall.stream().filter(t -> t.has("id"))).hasSize(1);
                assertThat(ofCall.stream().filter(t -> t.path("function").has("name"))).hasSize(1);
                assertThat(ofCall.size()).isGreaterThan(2);
                String arguments = ofCall.stream().map(t -> t.path("function").path("arguments").asText())
                        .collect(Collectors.joining());
                assertThat(Json.tree(arguments)).isEqualTo(reply.toolCalls().get(i).input());
            }
            assertThat(toolDeltas.getFirst().path("id").asText()).isEqualTo("call_a");
            assertThat(toolDeltas.getFirst().path("function").path("name").asText()).isEqualTo("read_file");

            JsonNode finish = chunks.get(chunks.size() - 2);
            assertThat(finish.path("choices").path(0).path("delta")).isEqualTo(Json.object());
            assertThat(finish.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(finish.path("usage").isNull()).isTrue();

            JsonNode usageChunk = chunks.getLast();
            assertThat(usageChunk.path("choices")).isEmpty();
            assertThat(usageChunk.path("usage")).isEqualTo(Json.tree("""
                    {"prompt_tokens":80,"completion_tokens":7,"total_tokens":87,
                     "prompt_tokens_details":{"cached_tokens":30,"audio_tokens":0},
                     "completion_tokens_details":{"reasoning_tokens":3,"audio_tokens":0,
                       "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}"""));
        }
    }

    @Test
    void without_include_usage_no_chunk_carries_usage() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("hi there").withUsage(1, 2, 0, 0)))) {
            List<WireClient.SseEvent> events = WireClient.sse(
                    WireClient.post(server.openAiBaseUrl() + "/chat/completions", STREAM_WITHOUT_USAGE).body());

            assertThat(events.getLast().data()).isEqualTo("[DONE]");
            List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(WireClient.SseEvent::json)
                    .toList();
            assertThat(chunks).noneSatisfy(c -> assertThat(c.has("usage")).isTrue());
            assertThat(chunks.getLast().path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void thinking_streams_as_reasoning_content_before_the_text() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("Answer").withThinking("Reasoning here", null)))) {
            List<WireClient.SseEvent> events = WireClient.sse(
                    WireClient.post(server.openAiBaseUrl() + "/chat/completions", STREAM_WITH_USAGE).body());

            List<String> kinds = events.subList(1, events.size() - 1).stream()
                    .map(e -> e.json().path("choices").path(0).path("delta"))
                    .filter(d -> d.has("reasoning_content") || d.has("content"))
                    .map(d -> d.has("reasoning_content") ? "reasoning" : "content").distinct().toList();
            assertThat(kinds).containsExactly("reasoning", "content");
            String reasoning = events.subList(0, events.size() - 1).stream()
                    .map(e -> e.json().path("choices").path(0).path("delta").path("reasoning_content").asText(""))
                    .collect(Collectors.joining());
            assertThat(reasoning).isEqualTo("Reasoning here");
        }
    }

    @Test
    void the_role_chunk_has_null_content_for_a_tool_call_only_reply() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.toolCall(null, "exec", "{}")))) {
            List<WireClient.SseEvent> events = WireClient.sse(
                    WireClient.post(server.openAiBaseUrl() + "/chat/completions", STREAM_WITH_USAGE).body());

            JsonNode delta = events.getFirst().json().path("choices").path(0).path("delta");
            assertThat(delta.path("role").asText()).isEqualTo("assistant");
            assertThat(delta.get("content").isNull()).isTrue();
            JsonNode opening = events.get(1).json().path("choices").path(0).path("delta").path("tool_calls").path(0);
            // Without a scripted id the server makes a stable one from the request index and position.
            assertThat(opening.path("id").asText()).isEqualTo("call_0_0");
        }
    }

    @Test
    void non_streaming_request_gets_a_chat_completion_body() {
        Reply reply = Reply.text(null).withToolCall("call_1", "exec", "{\"cmd\":\"ls -la\"}").withUsage(9, 4, 1, 2);
        try (var server = ScriptedLlmServer.start(Script.of(reply, Reply.text("bye")))) {
            HttpResponse<String> tool = WireClient.post(server.openAiBaseUrl() + "/chat/completions", PLAIN);
            HttpResponse<String> text = WireClient.post(server.openAiBaseUrl() + "/chat/completions", PLAIN);

            assertThat(tool.statusCode()).isEqualTo(200);
            JsonNode body = Json.tree(tool.body());
            assertThat(body.path("object").asText()).isEqualTo("chat.completion");
            assertThat(body.path("created").asLong()).isPositive();
            assertThat(body.path("choices")).hasSize(1);
            assertThat(body.path("choices").path(0)).isEqualTo(Json.tree("""
                    {"index":0,
                     "message":{"role":"assistant","content":null,"refusal":null,
                       "tool_calls":[{"id":"call_1","type":"function",
                                      "function":{"name":"exec","arguments":"{\\"cmd\\":\\"ls -la\\"}"}}]},
                     "logprobs":null,"finish_reason":"tool_calls"}"""));
            assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(12);
            assertThat(body.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(1);

            JsonNode message = Json.tree(text.body()).path("choices").path(0).path("message");
            assertThat(message.path("content").asText()).isEqualTo("bye");
            assertThat(message.has("tool_calls")).isFalse();
            assertThat(Json.tree(text.body()).path("choices").path(0).path("finish_reason").asText())
                    .isEqualTo("stop");
        }
    }

    @Test
    void an_error_status_uses_the_openai_error_shape() {
        Reply reply = Reply.error(429).withHeader("retry-after", "2");
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            HttpResponse<String> response = WireClient.post(server.openAiBaseUrl() + "/chat/completions",
                    STREAM_WITH_USAGE);

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("retry-after")).hasValue("2");
            assertThat(Json.tree(response.body())).isEqualTo(Json.tree("""
                    {"error":{"message":"Rate limit exceeded (scripted)","type":"rate_limit_error","param":null,
                              "code":"rate_limit_exceeded"}}"""));
        }
    }

    @Test
    void a_stream_error_is_a_named_error_event_without_done() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("half").withStreamError("server_error",
                "The server had an error")))) {
            List<WireClient.SseEvent> events = WireClient.sse(
                    WireClient.post(server.openAiBaseUrl() + "/chat/completions", STREAM_WITH_USAGE).body());

            assertThat(events.getLast().event()).isEqualTo("error");
            assertThat(events.getLast().json().path("error").path("message").asText())
                    .isEqualTo("The server had an error");
            assertThat(events).extracting(WireClient.SseEvent::data).doesNotContain("[DONE]");
        }
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }
}
