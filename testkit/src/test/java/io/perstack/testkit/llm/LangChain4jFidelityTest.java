package io.perstack.testkit.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import io.perstack.core.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Points LangChain4j's provider clients (1.19), independent readers of each wire, at the scripted server: if they
 * read back exactly what was scripted, the server's wire shapes are faithful enough for every runtime test built on it.
 */
class LangChain4jFidelityTest {

    private static final ToolSpecification READ_FILE = ToolSpecification.builder().name("readTextFile")
            .description("Reads a file").parameters(JsonObjectSchema.builder().addStringProperty("path")
                    .required("path").build())
            .build();
    private static final ToolSpecification LIST_DIR = ToolSpecification.builder().name("listDirectory")
            .description("Lists a directory").parameters(JsonObjectSchema.builder().addStringProperty("path")
                    .addIntegerProperty("depth").build())
            .build();

    private static ChatRequest request() {
        return ChatRequest.builder().messages(UserMessage.from("What is in notes.md?"))
                .toolSpecifications(READ_FILE, LIST_DIR).build();
    }

    @Test
    void anthropic_streaming_client_reads_thinking_text_tool_calls_and_cache_usage() throws Exception {
        Reply reply = Reply.text("I will read the file and list the folder.")
                .withThinking("The user asks about notes.md, so I should read it.", "EqQBCgIYAhIM-signature")
                .withToolCall("toolu_01", "readTextFile", "{\"path\":\"notes.md\"}")
                .withToolCall("toolu_02", "listDirectory", "{\"path\":\".\",\"depth\":2}")
                .withUsage(120, 45, 300, 80);
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            StreamingChatModel model = AnthropicStreamingChatModel.builder()
                    .baseUrl(server.anthropicBaseUrl()).apiKey("dummy-key").modelName("claude-sonnet-4-5")
                    .maxTokens(4096).thinkingType("enabled").thinkingBudgetTokens(1024).returnThinking(true)
                    .timeout(Duration.ofSeconds(20)).build();

            Collected collected = Collected.run(model, request());

            ChatResponse response = collected.response();
            assertThat(response.aiMessage().text()).isEqualTo("I will read the file and list the folder.");
            assertThat(response.aiMessage().thinking())
                    .isEqualTo("The user asks about notes.md, so I should read it.");
            assertThat(response.aiMessage().attributes()).containsEntry("thinking_signature",
                    "EqQBCgIYAhIM-signature");
            assertThat(response.aiMessage().toolExecutionRequests()).extracting(ToolExecutionRequest::id,
                    ToolExecutionRequest::name).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("toolu_01", "readTextFile"),
                    org.assertj.core.groups.Tuple.tuple("toolu_02", "listDirectory"));
            assertThat(Json.tree(response.aiMessage().toolExecutionRequests().get(1).arguments()))
                    .isEqualTo(Json.tree("{\"path\":\".\",\"depth\":2}"));
            assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
            assertThat(response.id()).isEqualTo("msg_scripted_0");

            AnthropicTokenUsage usage = (AnthropicTokenUsage) response.tokenUsage();
            assertThat(usage.inputTokenCount()).isEqualTo(120);
            assertThat(usage.outputTokenCount()).isEqualTo(45);
            assertThat(usage.cacheReadInputTokens()).isEqualTo(300);
            assertThat(usage.cacheCreationInputTokens()).isEqualTo(80);

            assertThat(collected.partialText()).hasSizeGreaterThan(1);
            assertThat(String.join("", collected.partialText())).isEqualTo(response.aiMessage().text());
            assertThat(collected.partialThinking()).hasSizeGreaterThan(1);

            RecordedRequest sent = server.requests().getFirst();
            assertThat(sent.streaming()).isTrue();
            assertThat(sent.header("x-api-key")).isEqualTo("dummy-key");
            assertThat(sent.body().path("thinking").path("budget_tokens").asInt()).isEqualTo(1024);
            assertThat(sent.body().path("tools")).extracting(t -> t.path("name").asText())
                    .containsExactly("readTextFile", "listDirectory");
        }
    }

    @Test
    void anthropic_streaming_client_surfaces_a_scripted_rate_limit_as_a_rate_limit_error() throws Exception {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.error(429).withHeader("retry-after", "1")))) {
            StreamingChatModel model = AnthropicStreamingChatModel.builder()
                    .baseUrl(server.anthropicBaseUrl()).apiKey("dummy-key").modelName("claude-haiku-4-5")
                    .timeout(Duration.ofSeconds(20)).build();

            Throwable error = Collected.failure(model, request());

            assertThat(error).isInstanceOf(RateLimitException.class).hasMessageContaining("rate_limit_error");
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void anthropic_streaming_client_fails_on_a_scripted_stream_error_event() throws Exception {
        try (var server = ScriptedLlmServer.start(Script.of(
                Reply.text("partial").withStreamError("overloaded_error", "Overloaded")))) {
            StreamingChatModel model = AnthropicStreamingChatModel.builder()
                    .baseUrl(server.anthropicBaseUrl()).apiKey("dummy-key").modelName("claude-haiku-4-5")
                    .timeout(Duration.ofSeconds(20)).build();

            Throwable error = Collected.failure(model, request());

            assertThat(error).hasMessageContaining("Overloaded");
        }
    }

    @Test
    void openai_streaming_client_reads_text_reasoning_fragmented_tool_calls_and_usage() throws Exception {
        Reply reply = Reply.text("Reading both.")
                .withThinking("Two tools are needed.", null)
                .withToolCall("call_A", "readTextFile", "{\"path\":\"notes.md\"}")
                .withToolCall("call_B", "listDirectory", "{\"path\":\"docs/sub dir\",\"depth\":3}")
                .withUsage(900, 64, 1024, 0).withReasoningTokens(16);
        try (var server = ScriptedLlmServer.start(Script.of(reply))) {
            StreamingChatModel model = OpenAiStreamingChatModel.builder()
                    .baseUrl(server.openAiBaseUrl()).apiKey("sk-dummy").modelName("gpt-4.1").returnThinking(true)
                    .timeout(Duration.ofSeconds(20)).build();

            Collected collected = Collected.run(model, request());

            ChatResponse response = collected.response();
            assertThat(response.aiMessage().text()).isEqualTo("Reading both.");
            assertThat(response.aiMessage().thinking()).isEqualTo("Two tools are needed.");
            List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
            assertThat(calls).extracting(ToolExecutionRequest::id).containsExactly("call_A", "call_B");
            assertThat(calls).extracting(ToolExecutionRequest::name).containsExactly("readTextFile", "listDirectory");
            assertThat(Json.tree(calls.get(0).arguments())).isEqualTo(Json.tree("{\"path\":\"notes.md\"}"));
            assertThat(Json.tree(calls.get(1).arguments()))
                    .isEqualTo(Json.tree("{\"path\":\"docs/sub dir\",\"depth\":3}"));
            assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);

            OpenAiTokenUsage usage = (OpenAiTokenUsage) response.tokenUsage();
            assertThat(usage.inputTokenCount()).isEqualTo(1924);
            assertThat(usage.outputTokenCount()).isEqualTo(64);
            assertThat(usage.totalTokenCount()).isEqualTo(1988);
            assertThat(usage.inputTokensDetails().cachedTokens()).isEqualTo(1024);
            assertThat(usage.outputTokensDetails().reasoningTokens()).isEqualTo(16);

            assertThat(String.join("", collected.partialText())).isEqualTo("Reading both.");
            RecordedRequest sent = server.requests().getFirst();
            assertThat(sent.header("authorization")).isEqualTo("Bearer sk-dummy");
            assertThat(sent.body().path("stream_options").path("include_usage").asBoolean()).isTrue();
        }
    }

    @Test
    void openai_streaming_client_reads_a_plain_answer_with_stop() throws Exception {
        try (var server = ScriptedLlmServer.start(Script.of(Reply.text("Paris is the capital of France.")
                .withUsage(10, 8, 0, 0)))) {
            StreamingChatModel model = OpenAiStreamingChatModel.builder()
                    .baseUrl(server.openAiBaseUrl()).apiKey("sk-dummy").modelName("gpt-4.1")
                    .timeout(Duration.ofSeconds(20)).build();

            ChatResponse response = Collected.run(model, request()).response();

            assertThat(response.aiMessage().text()).isEqualTo("Paris is the capital of France.");
            assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
            assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(10);
            assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(8);
        }
    }

    /** What a streaming call delivered: the partial callbacks in order and the final response. */
    private record Collected(List<String> partialText, List<String> partialThinking, ChatResponse response) {

        static Collected run(StreamingChatModel model, ChatRequest request) throws Exception {
            List<String> text = new CopyOnWriteArrayList<>();
            List<String> thinking = new CopyOnWriteArrayList<>();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            model.chat(request, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partial) {
                    text.add(partial);
                }

                @Override
                public void onPartialThinking(PartialThinking partial) {
                    thinking.add(partial.text());
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            ChatResponse response = done.get(30, TimeUnit.SECONDS);
            return new Collected(List.copyOf(text), List.copyOf(thinking), response);
        }

        static Throwable failure(StreamingChatModel model, ChatRequest request) throws Exception {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            model.chat(request, new StreamingChatResponseHandler() {
                @Override
                public void onCompleteResponse(ChatResponse response) {
                    failed.complete(null);
                }

                @Override
                public void onError(Throwable error) {
                    failed.complete(error);
                }
            });
            Throwable error = failed.get(30, TimeUnit.SECONDS);
            assertThat(error).as("the call should have failed").isNotNull();
            return error;
        }
    }
}
