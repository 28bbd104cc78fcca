package io.perstack.testkit.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptedLlmServerTest {

    private static final String ANTHROPIC = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":64,\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"%s\"}]}";

    private static String ask(ScriptedLlmServer server, String question) {
        HttpResponse<String> response = WireClient.post(server.anthropicBaseUrl() + "/messages",
                ANTHROPIC.formatted(question));
        JsonNode body = Json.tree(response.body());
        return response.statusCode() == 200
                ? java.util.stream.StreamSupport.stream(body.path("content").spliterator(), false)
                        .filter(block -> block.path("type").asText().equals("text"))
                        .map(block -> block.path("text").asText()).findFirst().orElse("")
                : response.statusCode() + ":" + body.path("error").path("message").asText();
    }

    @Test
    void binds_to_loopback_on_an_ephemeral_port_with_v1_base_urls() {
        try (var first = ScriptedLlmServer.start(Script.of()); var second = ScriptedLlmServer.start(Script.of())) {
            assertThat(first.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(first.anthropicBaseUrl()).isEqualTo(first.baseUrl() + "/v1");
            assertThat(first.openAiBaseUrl()).isEqualTo(first.baseUrl() + "/v1");
        }
    }

    @Test
    void replies_are_served_in_order_and_repeat_serves_one_reply_several_times() {
        Script script = Script.of(Reply.text("one"), Reply.text("again").repeat(2), Reply.text("last"));
        try (var server = ScriptedLlmServer.start(script)) {
            assertThat(server.remainingReplies()).isEqualTo(4);
            List<String> answers = List.of(ask(server, "a"), ask(server, "b"), ask(server, "c"), ask(server, "d"));

            assertThat(answers).containsExactly("one", "again", "again", "last");
            assertThat(server.remainingReplies()).isZero();
        }
    }

    @Test
    void an_exhausted_script_answers_500_saying_so_in_the_wire_error_shape() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("only")))) {
            ask(server, "first");
            HttpResponse<String> anthropic = WireClient.post(server.anthropicBaseUrl() + "/messages",
                    ANTHROPIC.formatted("second"));
            HttpResponse<String> openAi = WireClient.post(server.openAiBaseUrl() + "/chat/completions",
                    "{\"model\":\"gpt-4.1\",\"stream\":true,\"messages\":[]}");

            assertThat(anthropic.statusCode()).isEqualTo(500);
            JsonNode error = Json.tree(anthropic.body());
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("api_error");
            assertThat(error.path("error").path("message").asText())
                    .contains("script is exhausted").contains("1 replies served").contains("request #1");
            assertThat(openAi.statusCode()).isEqualTo(500);
            assertThat(Json.tree(openAi.body()).path("error").path("message").asText())
                    .contains("script is exhausted");
        }
    }

    @Test
    void the_fallback_serves_every_request_after_the_script_is_used_up() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("scripted"))
                .withFallback(Reply.text("fallback")))) {
            assertThat(List.of(ask(server, "1"), ask(server, "2"), ask(server, "3")))
                    .containsExactly("scripted", "fallback", "fallback");
        }
    }

    @Test
    void a_reply_with_match_waits_for_its_request_while_others_take_later_replies() {
        Script script = Script.of(
                Reply.text("for the math child").whenBodyContains("compute"),
                Reply.text("for the text child").whenBodyContains("summarize"),
                Reply.text("generic"));
        try (var server = ScriptedLlmServer.start(script)) {
            String summary = ask(server, "please summarize");
            String other = ask(server, "hello");
            String math = ask(server, "compute 2+2");

            assertThat(summary).isEqualTo("for the text child");
            assertThat(other).isEqualTo("generic");
            assertThat(math).isEqualTo("for the math child");
        }
    }

    @Test
    void a_request_that_meets_no_pending_match_gets_an_explanatory_500() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("x").whenPathContains("/chat/completions")))) {
            String answer = ask(server, "anthropic request");

            assertThat(answer).startsWith("500:").contains("no pending reply matches").contains("1 replies pending");
            assertThat(server.remainingReplies()).isEqualTo(1);
        }
    }

    @Test
    void match_on_wire_routes_replies_by_protocol() {
        Script script = Script.of(Reply.text("openai only").whenWire(Wire.OPENAI), Reply.text("anthropic"));
        try (var server = ScriptedLlmServer.start(script)) {
            String anthropic = ask(server, "q");
            HttpResponse<String> openAi = WireClient.post(server.openAiBaseUrl() + "/chat/completions",
                    "{\"model\":\"gpt-4.1\",\"messages\":[]}");

            assertThat(anthropic).isEqualTo("anthropic");
            assertThat(Json.tree(openAi.body()).path("choices").path(0).path("message").path("content").asText())
                    .isEqualTo("openai only");
        }
    }

    @Test
    void delay_holds_the_response_back_without_blocking_parallel_requests() throws Exception {
        Script script = Script.of(Reply.text("slow").withDelay(Duration.ofMillis(1500)).whenBodyContains("slow"),
                Reply.text("fast").whenBodyContains("fast"));
        try (var server = ScriptedLlmServer.start(script);
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            CompletableFuture<Long> slow = CompletableFuture.supplyAsync(() -> {
                ask(server, "slow");
                return System.nanoTime() - start;
            }, pool);
            server.awaitRequests(1, Duration.ofSeconds(5));
            ask(server, "fast");
            long fastElapsed = System.nanoTime() - start;

            assertThat(Duration.ofNanos(slow.get())).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            assertThat(Duration.ofNanos(fastElapsed)).isLessThan(Duration.ofMillis(1200));
        }
    }

    @Test
    void concurrent_requests_each_get_a_different_reply() throws Exception {
        int n = 24;
        Script script = Script.of(java.util.stream.IntStream.range(0, n).mapToObj(i -> Reply.text("r" + i)
                .withChunkDelay(Duration.ofMillis(2))).toList());
        try (var server = ScriptedLlmServer.start(script);
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<String>> calls = java.util.stream.IntStream.range(0, n)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> ask(server, "q" + i), pool)).toList();
            java.util.Set<String> answers = new java.util.HashSet<>();
            for (CompletableFuture<String> call : calls) {
                answers.add(call.get(20, java.util.concurrent.TimeUnit.SECONDS));
            }

            assertThat(answers).hasSize(n).allSatisfy(a -> assertThat(a).matches("r\\d+"));
            assertThat(server.requests()).extracting(RecordedRequest::index)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, n).boxed().toList());
            assertThat(server.remainingReplies()).isZero();
        }
    }

    @Test
    void chunk_delay_spaces_out_streamed_frames() {
        Reply reply = Reply.text("abcdefgh").withChunkDelay(Duration.ofMillis(40));
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            long start = System.nanoTime();
            HttpResponse<String> response = WireClient.post(server.anthropicBaseUrl() + "/messages",
                    "{\"model\":\"m\",\"stream\":true,\"messages\":[]}");
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            int frames = WireClient.sse(response.body()).size();
            assertThat(frames).isEqualTo(8);
            assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(40L * (frames - 1)));
        }
    }

    @Test
    void records_every_request_with_lower_case_headers_body_wire_and_streaming_flag() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("a"), Reply.text("b")))) {
            WireClient.post(server.anthropicBaseUrl() + "/messages?beta=true",
                    "{\"model\":\"claude-haiku-4-5\",\"stream\":true,\"system\":[{\"type\":\"text\",\"text\":\"S\","
                            + "\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[]}",
                    "X-Api-Key", "dummy-key", "Anthropic-Version", "2023-06-01");
            WireClient.post(server.openAiBaseUrl() + "/chat/completions", "{\"model\":\"gpt-4.1\",\"messages\":[]}",
                    "Authorization", "Bearer sk-test");

            List<RecordedRequest> requests = server.awaitRequests(2, Duration.ofSeconds(5));
            RecordedRequest first = requests.getFirst();
            assertThat(first.index()).isZero();
            assertThat(first.method()).isEqualTo("POST");
            assertThat(first.path()).isEqualTo("/v1/messages");
            assertThat(first.query()).isEqualTo("beta=true");
            assertThat(first.wire()).isEqualTo(Wire.ANTHROPIC);
            assertThat(first.streaming()).isTrue();
            assertThat(first.headers()).containsEntry("x-api-key", List.of("dummy-key"));
            assertThat(first.header("Anthropic-Version")).isEqualTo("2023-06-01");
            assertThat(first.headers().keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
            assertThat(first.model()).isEqualTo("claude-haiku-4-5");
            assertThat(first.body().path("system").path(0).path("cache_control").path("type").asText())
                    .isEqualTo("ephemeral");
            assertThat(first.bodyText()).startsWith("{\"model\":\"claude-haiku-4-5\"");

            RecordedRequest second = requests.get(1);
            assertThat(second.index()).isEqualTo(1);
            assertThat(second.wire()).isEqualTo(Wire.OPENAI);
            assertThat(second.streaming()).isFalse();
            assertThat(second.header("authorization")).isEqualTo("Bearer sk-test");
            assertThat(server.requests()).isEqualTo(requests);
        }
    }

    @Test
    void await_requests_fails_naming_what_arrived_when_too_few_came() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("a")))) {
            ask(server, "x");

            assertThatThrownBy(() -> server.awaitRequests(2, Duration.ofMillis(100)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected 2 requests").hasMessageContaining("POST /v1/messages");
        }
    }

    @Test
    void unknown_routes_get_404_with_a_json_error_and_are_recorded() {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("unused")))) {
            HttpResponse<String> post = WireClient.post(server.baseUrl() + "/v1/embeddings", "{}");
            HttpResponse<String> get = WireClient.get(server.anthropicBaseUrl() + "/messages");

            assertThat(post.statusCode()).isEqualTo(404);
            assertThat(Json.tree(post.body()).path("error").path("message").asText())
                    .isEqualTo("Scripted LLM server has no route for POST /v1/embeddings");
            assertThat(get.statusCode()).isEqualTo(404);
            assertThat(server.requests()).extracting(RecordedRequest::wire).containsExactly(Wire.UNKNOWN, Wire.UNKNOWN);
            assertThat(server.remainingReplies()).isEqualTo(1);
        }
    }

    @Test
    void a_scripted_error_body_is_sent_verbatim() {
        Reply reply = Reply.error(503).withErrorBody("{\"custom\":true}").withHeader("x-extra", "yes");
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            HttpResponse<String> response = WireClient.post(server.openAiBaseUrl() + "/chat/completions", "{}");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("{\"custom\":true}");
            assertThat(response.headers().firstValue("x-extra")).hasValue("yes");
        }
    }

    @Test
    void close_interrupts_a_reply_that_is_still_delayed() throws Exception {
        var server = ScriptedLlmServer.start(Script.of(Reply.text("never").withDelay(Duration.ofMinutes(5))));
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> {
            try {
                ask(server, "q");
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        server.awaitRequests(1, Duration.ofSeconds(5));
        long start = System.nanoTime();
        server.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(call.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void the_json_script_format_round_trips_and_drives_the_server(@TempDir Path dir) throws Exception {
        String json = """
                {"replies":[
                   {"text":"hello","thinking":{"text":"hmm","signature":"s1"},
                    "usage":{"input":10,"output":5,"cacheRead":2,"cacheWrite":1},"stopReason":"end_turn"},
                   {"toolCalls":[{"id":"c1","name":"exec","input":{"cmd":"ls"}}],"repeat":2,"chunkDelayMs":1},
                   {"status":429,"headers":{"Retry-After":"3"},"error":{"type":"rate_limit_error","message":"slow"},
                    "delayMs":5,"match":{"pathContains":"/messages","bodyContains":"x","wire":"anthropic"}},
                   {"text":"late","streamError":{"type":"overloaded_error","message":"Overloaded"},
                    "errorBody":{"raw":1}}
                 ],
                 "fallback":{"text":"fb"}}""";
        Script script = Script.parse(json);

        assertThat(script.replies()).hasSize(4);
        Reply first = script.replies().getFirst();
        assertThat(first.text()).isEqualTo("hello");
        assertThat(first.thinking()).isEqualTo(new Reply.Thinking("hmm", "s1"));
        assertThat(first.usage()).isEqualTo(new Reply.Usage(10, 5, 2, 1, 0));
        assertThat(script.replies().get(1).toolCalls()).containsExactly(
                new Reply.ToolCall("c1", "exec", Json.tree("{\"cmd\":\"ls\"}")));
        assertThat(script.replies().get(1).repeat()).isEqualTo(2);
        Reply error = script.replies().get(2);
        assertThat(error.headers()).containsEntry("retry-after", "3");
        assertThat(error.match()).isEqualTo(new Reply.Match("/messages", "x", Wire.ANTHROPIC));
        assertThat(error.delay()).isEqualTo(Duration.ofMillis(5));
        assertThat(script.fallback().text()).isEqualTo("fb");
        assertThat(Script.parse(script.toJson())).isEqualTo(script);

        Path file = dir.resolve("script.json");
        Files.writeString(file, json);
        try (var server = ScriptedLlmServer.start(Script.read(file))) {
            assertThat(ask(server, "q")).isEqualTo("hello");
        }
    }

    @Test
    void fluent_replies_serialise_to_the_documented_field_names() {
        Reply reply = Reply.toolCall("id1", "search", "{\"q\":\"x\"}").withText("t").withThinking("th", "sig")
                .withUsage(1, 2, 3, 4).withReasoningTokens(1).withStopReason("tool_use").withStatus(200)
                .withHeader("Retry-After", "1").withDelay(Duration.ofMillis(7)).repeat(3)
                .whenBodyContains("needle");

        assertThat(reply.toJson()).isEqualTo(Json.tree("""
                {"text":"t","thinking":{"text":"th","signature":"sig"},
                 "toolCalls":[{"id":"id1","name":"search","input":{"q":"x"}}],
                 "usage":{"input":1,"output":2,"cacheRead":3,"cacheWrite":4,"reasoning":1},
                 "stopReason":"tool_use","headers":{"retry-after":"1"},"delayMs":7,"repeat":3,
                 "match":{"bodyContains":"needle"}}"""));
    }

    @Test
    void scripts_with_unknown_fields_or_bad_values_are_rejected() {
        assertThatThrownBy(() -> Script.parse("{\"replies\":[{\"txt\":\"typo\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replies[0]")
                .hasMessageContaining("\"txt\"");
        assertThatThrownBy(() -> Script.parse("{\"reply\":[]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"reply\"");
        assertThatThrownBy(() -> Script.parse("{\"replies\":[{\"repeat\":0}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeat");
        assertThatThrownBy(() -> Script.parse("not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
    }
}
