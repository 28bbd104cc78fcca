package io.perstack.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.Usage;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.llm.FinishReason;
import io.perstack.llm.GeneratedToolCall;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.GenerationResult;
import io.perstack.llm.ProviderError;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.http.HttpTransport;
import io.perstack.testkit.llm.RecordedRequest;
import io.perstack.testkit.llm.Reply;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Anthropic client against the scripted server: request assembly, stream decoding and failures. */
class AnthropicLlmClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
            + "AAAABJRU5ErkJggg==";
    private static final String PDF = "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCg==";
    private static final ToolDefinition READ = new ToolDefinition("base", "readTextFile", "Reads a text file",
            Json.tree("""
                    {"type":"object","properties":{"path":{"type":"string"}},"required":["path"],
                     "additionalProperties":false,"$defs":{"P":{"type":"string"}}}"""));

    private final List<HttpTransport> transports = new ArrayList<>();
    private final List<ScriptedLlmServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        transports.forEach(HttpTransport::close);
        servers.forEach(ScriptedLlmServer::close);
    }

    private ScriptedLlmServer serve(Reply... replies) {
        ScriptedLlmServer server = ScriptedLlmServer.start(Script.of(replies));
        servers.add(server);
        return server;
    }

    private AnthropicLlmClient client(ScriptedLlmServer server) {
        return client(server, Map.of());
    }

    private AnthropicLlmClient client(ScriptedLlmServer server, Map<String, String> headers) {
        ProviderSettings settings = ProviderSettings.resolve(new ProviderConfig("anthropic",
                new ProviderConfig.Setting(null, headers, null, null, null, null, null, null, null, null)),
                Map.of("ANTHROPIC_API_KEY", "test-key", "ANTHROPIC_BASE_URL", server.anthropicBaseUrl()));
        HttpTransport transport = new HttpTransport(null);
        transports.add(transport);
        return new AnthropicLlmClient(settings, transport);
    }

    private static GenerationRequest request(List<Message> history, List<ToolDefinition> tools, String budget) {
        return new GenerationRequest("claude-sonnet-4-5", history, tools, ReasoningBudget.parse(budget), TIMEOUT);
    }

    private static GenerationResult generated(GenerationOutcome outcome) {
        assertThat(outcome).isInstanceOf(GenerationOutcome.Generated.class);
        return ((GenerationOutcome.Generated) outcome).result();
    }

    private static ProviderError failed(GenerationOutcome outcome) {
        assertThat(outcome).isInstanceOf(GenerationOutcome.Failed.class);
        return ((GenerationOutcome.Failed) outcome).error();
    }

    private static Message.InstructionMessage instruction(String text) {
        return new Message.InstructionMessage(Ids.next(), List.of(new TextPart(Ids.next(), text)), true);
    }

    private static Message.UserMessage user(String text) {
        return new Message.UserMessage(Ids.next(), List.of(new TextPart(Ids.next(), text)), null);
    }

    private static Message.ToolMessage toolMessage(GeneratedToolCall call, MessagePart.ResultContent... contents) {
        return new Message.ToolMessage(Ids.next(), List.of(new MessagePart.ToolResultPart(Ids.next(), call.id(),
                call.toolName(), List.of(contents), null)), null);
    }

    /** The expert message the agent loop appends for a result: thinking, text, tool calls. */
    private static Message.ExpertMessage expert(GenerationResult r) {
        List<MessagePart.ExpertContent> parts = new ArrayList<>(r.thinking());
        if (!r.text().isEmpty()) {
            parts.add(new TextPart(Ids.next(), r.text()));
        }
        for (GeneratedToolCall c : r.toolCalls()) {
            parts.add(new MessagePart.ToolCallPart(Ids.next(), c.id(), c.toolName(), c.args()));
        }
        return new Message.ExpertMessage(Ids.next(), parts, null);
    }

    @Test
    void everyStepsRequestEqualsWhatAFreshClientSendsForTheSameHistory() {
        ScriptedLlmServer server = serve(
                Reply.toolCall("toolu_1", "readTextFile", "{\"path\":\"a.png\"}").withThinking("Look first.", "sig-1"),
                Reply.text("Here it is.").withToolCall("toolu_2", "readTextFile", "{\"path\":\"b.pdf\"}"),
                Reply.toolCall("toolu_3", "readTextFile", "{\"path\":\"c.txt\"}").withThinking("Once more.", "sig-3"),
                Reply.text("Done."));
        AnthropicLlmClient client = client(server);
        List<Message> history = new ArrayList<>(List.of(instruction("Answer from the files."),
                user("Describe a.png, b.pdf and c.txt \u2028 é 😀")));
        List<List<Message>> sent = new ArrayList<>();
        List<MessagePart.ResultContent> results = List.of(
                new MessagePart.ImageInlinePart(Ids.next(), PNG, "image/png"),
                new MessagePart.FileInlinePart(Ids.next(), PDF, "application/pdf"),
                new TextPart(Ids.next(), "plain text"));
        for (int step = 0; step < 4; step++) {
            sent.add(List.copyOf(history));
            GenerationResult r = generated(client.generate(request(history, List.of(READ), "low"),
                    GenerationListener.NONE));
            if (r.toolCalls().isEmpty()) {
                break;
            }
            history.add(expert(r));
            history.add(toolMessage(r.toolCalls().getFirst(), results.get(step)));
            if (step == 1) {
                history.add(user("Keep going."));
            }
        }
        assertThat(client.cachedMessages()).isEqualTo(history.size());

        ScriptedLlmServer fresh = serve(Reply.text("ok").repeat(sent.size()));
        for (List<Message> h : sent) {
            generated(client(fresh).generate(request(h, List.of(READ), "low"), GenerationListener.NONE));
        }
        List<RecordedRequest> warm = server.requests();
        List<RecordedRequest> cold = fresh.requests();
        assertThat(warm).hasSize(4);
        for (int i = 0; i < warm.size(); i++) {
            assertThat(warm.get(i).body()).as("request %d", i).isEqualTo(cold.get(i).body());
        }
        // Each request starts with the previous one's messages, unchanged.
        JsonNode last = warm.get(3).body().path("messages");
        assertThat(last.get(1).path("content").get(0).path("signature").asText()).isEqualTo("sig-1");
        assertThat(last.toString()).contains("Look first.", "Once more.", "sig-3", PNG, PDF, "plain text",
                "Keep going.");
    }

    @Test
    void cachedMessagesGoWithTheirHistorySoAClientSharedByManyJobsDoesNotGrow() throws InterruptedException {
        ScriptedLlmServer server = serve(Reply.text("ok").repeat(3));
        AnthropicLlmClient client = client(server);
        List<Message> kept = List.of(instruction("kept"), user("still running"));
        for (int job = 0; job < 2; job++) {
            // A finished job's history is unreachable once the job is done.
            generated(client.generate(request(List.of(instruction("sys " + job), user("job " + job)), List.of(),
                    "none"), GenerationListener.NONE));
        }
        generated(client.generate(request(kept, List.of(), "none"), GenerationListener.NONE));

        for (int i = 0; i < 100 && client.cachedMessages() > kept.size(); i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(client.cachedMessages()).isEqualTo(kept.size());
    }

    @Test
    void theRequestCarriesModelLimitsSystemPromptWithCacheMarkerToolsAndHeaders() {
        ScriptedLlmServer server = serve(Reply.text("ok"), Reply.text("ok"));
        AnthropicLlmClient client = client(server, Map.of("X-Extra", "extra", "Anthropic-Version", "2099-01-01"));
        List<Message> history = List.of(new Message.InstructionMessage(Ids.next(),
                List.of(new TextPart(Ids.next(), "Line one"), new TextPart(Ids.next(), "Line two")), true),
                user("Hi"));

        generated(client.generate(request(history, List.of(READ), "none"), GenerationListener.NONE));
        generated(client.generate(request(history, List.of(), "high"), GenerationListener.NONE));

        RecordedRequest plain = server.requests().get(0);
        assertThat(plain.path()).isEqualTo("/v1/messages");
        assertThat(plain.header("x-api-key")).isEqualTo("test-key");
        assertThat(plain.header("anthropic-version")).isEqualTo("2099-01-01");
        assertThat(plain.headers().get("anthropic-version")).hasSize(1);
        assertThat(plain.header("x-extra")).isEqualTo("extra");
        assertThat(plain.header("content-type")).isEqualTo("application/json");
        assertThat(plain.body()).isEqualTo(Json.tree("""
                {"model":"claude-sonnet-4-5",
                 "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],
                 "system":[{"type":"text","text":"Line one\\nLine two","cache_control":{"type":"ephemeral"}}],
                 "max_tokens":8192,"stream":true,
                 "tools":[{"name":"readTextFile","description":"Reads a text file","input_schema":
                   {"type":"object","properties":{"path":{"type":"string"}},"required":["path"],
                    "additionalProperties":false,"$defs":{"P":{"type":"string"}}}}]}"""));
        assertThat(plain.bodyText()).doesNotContain("\n", "tool_choice", "metadata");

        JsonNode thinking = server.requests().get(1).body();
        assertThat(thinking.path("thinking")).isEqualTo(Json.tree("{\"type\":\"enabled\",\"budget_tokens\":10000}"));
        assertThat(thinking.path("max_tokens").asInt()).isEqualTo(14096);
        assertThat(thinking.has("tools")).isFalse();
    }

    @Test
    void aToolSchemaCombiningAlternativesAtItsTopIsSentAsThePlainObjectAnthropicAccepts() {
        ScriptedLlmServer server = serve(Reply.text("ok"));
        ToolDefinition either = new ToolDefinition("mcp", "lookup", "By id or by name", Json.tree("""
                {"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"}},
                 "anyOf":[{"required":["id"]},{"required":["name"]}],"additionalProperties":false}"""));

        generated(client(server).generate(request(List.of(user("Find it")), List.of(either), "none"),
                GenerationListener.NONE));

        assertThat(server.requests().getFirst().body().path("tools").get(0).path("input_schema")).isEqualTo(
                Json.tree("""
                        {"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"}},
                         "additionalProperties":false}"""));
    }

    @Test
    void consecutiveToolMessagesAndTheUserMessageAfterThemShareOneUserTurn() {
        ScriptedLlmServer server = serve(Reply.text("ok"));
        Message.ExpertMessage twoCalls = new Message.ExpertMessage(Ids.next(), List.of(
                new TextPart(Ids.next(), "Reading both."),
                new MessagePart.ToolCallPart(Ids.next(), "toolu_a", "readTextFile", Json.tree("{\"path\":\"a\"}")),
                new MessagePart.ToolCallPart(Ids.next(), "toolu_b", "readTextFile", null)), null);
        List<Message> history = List.of(instruction("sys"), user("Read a and b"), twoCalls,
                toolMessage(new GeneratedToolCall("toolu_a", "readTextFile", null), new TextPart(Ids.next(), "A")),
                new Message.ToolMessage(Ids.next(), List.of(new MessagePart.ToolResultPart(Ids.next(), "toolu_b",
                        "readTextFile", List.of(new TextPart(Ids.next(), "no such file")), true)), null),
                user("Now summarise."));

        generated(client(server).generate(request(history, List.of(READ), "none"), GenerationListener.NONE));

        assertThat(server.requests().getFirst().body().path("messages")).isEqualTo(Json.tree("""
                [{"role":"user","content":[{"type":"text","text":"Read a and b"}]},
                 {"role":"assistant","content":[{"type":"text","text":"Reading both."},
                   {"type":"tool_use","id":"toolu_a","name":"readTextFile","input":{"path":"a"}},
                   {"type":"tool_use","id":"toolu_b","name":"readTextFile","input":{}}]},
                 {"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"toolu_a","content":"A"},
                   {"type":"tool_result","tool_use_id":"toolu_b","content":"no such file","is_error":true},
                   {"type":"text","text":"Now summarise."}]}]"""));
    }

    @Test
    void imagesAndPdfsAreSentInlineOrByUrlAndPdfsFromToolsStayInsideTheirResult() {
        ScriptedLlmServer server = serve(Reply.text("ok"));
        Message.UserMessage media = new Message.UserMessage(Ids.next(), List.of(new TextPart(Ids.next(), "See"),
                new MessagePart.ImageInlinePart(Ids.next(), PNG, "image/png"),
                new MessagePart.ImageUrlPart(Ids.next(), "https://example.com/a.png", "image/png"),
                new MessagePart.FileInlinePart(Ids.next(), PDF, "application/pdf"),
                new MessagePart.FileUrlPart(Ids.next(), "https://example.com/a.pdf", "application/pdf")), null);
        Message.ExpertMessage call = new Message.ExpertMessage(Ids.next(), List.of(new MessagePart.ToolCallPart(
                Ids.next(), "toolu_1", "readTextFile", Json.tree("{\"path\":\"x.pdf\"}"))), null);
        Message.ToolMessage result = toolMessage(new GeneratedToolCall("toolu_1", "readTextFile", null),
                new TextPart(Ids.next(), "x.pdf:"), new MessagePart.FileInlinePart(Ids.next(), PDF, "application/pdf"),
                new MessagePart.ImageInlinePart(Ids.next(), PNG, "image/png"));

        generated(client(server).generate(request(List.of(media, call, result), List.of(), "none"),
                GenerationListener.NONE));

        JsonNode messages = server.requests().getFirst().body().path("messages");
        assertThat(messages.get(0).path("content")).isEqualTo(Json.tree("""
                [{"type":"text","text":"See"},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},
                 {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"%s"}},
                 {"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}}]"""
                .formatted(PNG, PDF)));
        assertThat(messages).hasSize(3);
        assertThat(messages.get(2).path("content")).isEqualTo(Json.tree("""
                [{"type":"tool_result","tool_use_id":"toolu_1","content":[
                  {"type":"text","text":"x.pdf:"},
                  {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"%s"}},
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}}]}]"""
                .formatted(PDF, PNG)));
    }

    @Test
    void aFileAnthropicCannotTakeFailsTheGenerationWithoutARequest() {
        ScriptedLlmServer server = serve(Reply.text("never"));
        Message.UserMessage csv = new Message.UserMessage(Ids.next(), List.of(
                new MessagePart.FileInlinePart(Ids.next(), "YSxi", "text/csv")), null);

        ProviderError error = failed(client(server).generate(request(List.of(csv), List.of(), "none"),
                GenerationListener.NONE));

        assertThat(error.name()).isEqualTo("UnsupportedInputError");
        assertThat(error.message()).isEqualTo("Provider anthropic does not support text/csv input");
        assertThat(error.retryable()).isFalse();
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void thinkingIsStreamedAndReplayedWithItsSignatureBeforeTextAndToolUse() {
        ScriptedLlmServer server = serve(
                Reply.text("Reading it.").withToolCall("toolu_1", "readTextFile", "{\"path\":\"n.md\"}")
                        .withThinking("I need the notes.", "sig-abc"),
                Reply.text("Done."));
        AnthropicLlmClient client = client(server);
        List<String> reasoning = new ArrayList<>();
        List<String> text = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void reasoningDelta(String delta) {
                reasoning.add(delta);
            }

            @Override
            public void textDelta(String delta) {
                text.add(delta);
            }
        };
        List<Message> history = new ArrayList<>(List.of(instruction("sys"), user("Read n.md")));

        GenerationResult first = generated(client.generate(request(history, List.of(READ), "minimal"), listener));
        assertThat(String.join("", reasoning)).isEqualTo("I need the notes.");
        assertThat(String.join("", text)).isEqualTo("Reading it.");
        assertThat(first.thinking()).singleElement().satisfies(t -> {
            assertThat(t.thinking()).isEqualTo("I need the notes.");
            assertThat(t.signature()).isEqualTo("sig-abc");
        });
        assertThat(first.toolCalls()).containsExactly(
                new GeneratedToolCall("toolu_1", "readTextFile", Json.tree("{\"path\":\"n.md\"}")));
        assertThat(first.finishReason().kind()).isEqualTo(FinishReason.Kind.TOOL_CALLS);
        history.add(expert(first));
        history.add(toolMessage(first.toolCalls().getFirst(), new TextPart(Ids.next(), "notes")));

        generated(client.generate(request(history, List.of(READ), "none"), GenerationListener.NONE));

        assertThat(server.requests().get(1).body().path("messages").get(1)).isEqualTo(Json.tree("""
                {"role":"assistant","content":[
                  {"type":"thinking","thinking":"I need the notes.","signature":"sig-abc"},
                  {"type":"text","text":"Reading it."},
                  {"type":"tool_use","id":"toolu_1","name":"readTextFile","input":{"path":"n.md"}}]}"""));
    }

    @Test
    void usageCountsCacheWritesAsInputAndCacheReadsAsCachedInput() {
        ScriptedLlmServer server = serve(Reply.text("ok").withUsage(100, 20, 30, 10), Reply.text("ok"));
        AnthropicLlmClient client = client(server);

        GenerationResult r = generated(client.generate(request(List.of(user("Hi")), List.of(), "none"),
                GenerationListener.NONE));
        GenerationResult none = generated(client.generate(request(List.of(user("Hi")), List.of(), "none"),
                GenerationListener.NONE));

        assertThat(r.usage()).isEqualTo(Usage.of(110, 30, 20, 0));
        assertThat(r.usage().totalTokens()).isEqualTo(160);
        assertThat(none.usage()).isEqualTo(Usage.ZERO);
    }

    @Test
    void stopReasonsMapToFinishReasonsAndUnknownOnesKeepTheirWord() {
        List<String> reasons = List.of("end_turn", "stop_sequence", "tool_use", "max_tokens", "refusal",
                "pause_turn");
        List<Reply> replies = new ArrayList<>();
        reasons.forEach(reason -> replies.add(Reply.text("x").withStopReason(reason)));
        ScriptedLlmServer server = serve(replies.toArray(Reply[]::new));
        AnthropicLlmClient client = client(server);

        List<FinishReason> finishes = new ArrayList<>();
        for (int i = 0; i < reasons.size(); i++) {
            finishes.add(generated(client.generate(request(List.of(user("Hi")), List.of(), "none"),
                    GenerationListener.NONE)).finishReason());
        }

        assertThat(finishes).containsExactly(FinishReason.of(FinishReason.Kind.STOP),
                FinishReason.of(FinishReason.Kind.STOP), FinishReason.of(FinishReason.Kind.TOOL_CALLS),
                FinishReason.of(FinishReason.Kind.LENGTH), FinishReason.of(FinishReason.Kind.CONTENT_FILTER),
                new FinishReason(FinishReason.Kind.OTHER, "pause_turn"));
    }

    @Test
    void anErrorEventMidStreamFailsTheGenerationWithTheProvidersErrorType() {
        ScriptedLlmServer server = serve(
                Reply.text("partial answer").withStreamError("overloaded_error", "Overloaded"),
                Reply.text("partial answer").withStreamError("invalid_request_error", "Bad block"),
                Reply.text("next"));
        AnthropicLlmClient client = client(server);
        List<String> text = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void textDelta(String delta) {
                text.add(delta);
            }
        };

        ProviderError overloaded = failed(client.generate(request(List.of(user("Hi")), List.of(), "none"),
                listener));
        ProviderError invalid = failed(client.generate(request(List.of(user("Hi")), List.of(), "none"),
                GenerationListener.NONE));

        assertThat(String.join("", text)).isEqualTo("partial answer");
        assertThat(overloaded.name()).isEqualTo("overloaded_error");
        assertThat(overloaded.message()).isEqualTo("Overloaded");
        assertThat(overloaded.retryable()).isTrue();
        assertThat(overloaded.statusCode()).isNull();
        assertThat(invalid.name()).isEqualTo("invalid_request_error");
        assertThat(invalid.retryable()).isFalse();
        // The failed streams left the client usable.
        assertThat(generated(client.generate(request(List.of(user("Hi")), List.of(), "none"),
                GenerationListener.NONE)).text()).isEqualTo("next");
    }

    @Test
    void aStreamThatEndsBeforeMessageStopFailsRetryably() {
        // message_start, ping, the text block's start and its first delta: the answer stops mid-sentence.
        ScriptedLlmServer server = serve(Reply.text("a long answer that is cut").withStreamCutAfter(4),
                Reply.toolCall("toolu_1", "readTextFile", "{\"path\":\"a\"}").withStreamCutAfter(6),
                Reply.text("whole"));
        AnthropicLlmClient client = client(server);

        ProviderError cutText = failed(client.generate(request(List.of(user("Hi")), List.of(READ), "none"),
                GenerationListener.NONE));
        ProviderError cutCall = failed(client.generate(request(List.of(user("Hi")), List.of(READ), "none"),
                GenerationListener.NONE));

        for (ProviderError e : List.of(cutText, cutCall)) {
            assertThat(e.retryable()).isTrue();
            assertThat(e.message()).contains("message_stop");
        }
        assertThat(generated(client.generate(request(List.of(user("Hi")), List.of(), "none"),
                GenerationListener.NONE)).text()).isEqualTo("whole");
    }

    @Test
    void httpErrorsAreClassifiedFromTheAnthropicErrorBody() {
        ScriptedLlmServer server = serve(Reply.error(529),
                Reply.error(400).withError("invalid_request_error", "prompt is too long"));
        AnthropicLlmClient client = client(server);

        ProviderError overloaded = failed(client.generate(request(List.of(user("Hi")), List.of(), "none"),
                GenerationListener.NONE));
        ProviderError invalid = failed(client.generate(request(List.of(user("Hi")), List.of(), "none"),
                GenerationListener.NONE));

        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(overloaded.name()).isEqualTo("overloaded_error");
        assertThat(overloaded.retryable()).isTrue();
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.name()).isEqualTo("invalid_request_error");
        assertThat(invalid.message()).isEqualTo("prompt is too long");
        assertThat(invalid.retryable()).isFalse();
    }

    @Test
    void textBlocksAroundToolCallsAreJoinedAndToolInputArrivesInFragments() {
        ScriptedLlmServer server = serve(Reply.text("First.")
                .withToolCall("toolu_1", "readTextFile", "{\"path\":\"a/b/c.txt\",\"lines\":[1,2,3]}")
                .withToolCall("toolu_2", "readTextFile", "{}"));

        GenerationResult r = generated(client(server).generate(request(List.of(user("Hi")), List.of(READ), "none"),
                GenerationListener.NONE));

        assertThat(r.text()).isEqualTo("First.");
        assertThat(r.toolCalls()).containsExactly(
                new GeneratedToolCall("toolu_1", "readTextFile",
                        Json.tree("{\"path\":\"a/b/c.txt\",\"lines\":[1,2,3]}")),
                new GeneratedToolCall("toolu_2", "readTextFile", Json.object()));
    }
}
