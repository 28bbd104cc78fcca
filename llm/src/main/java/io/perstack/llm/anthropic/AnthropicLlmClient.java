package io.perstack.llm.anthropic;

import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.perstack.core.model.Usage;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.http.Cancellation;
import io.perstack.llm.http.HttpTransport;
import io.perstack.llm.langchain.ChatMapping;
import io.perstack.llm.langchain.StreamingGeneration;

/** Anthropic Messages API. Thinking is enabled per the reasoning budget; the system prompt carries a cache marker. */
public final class AnthropicLlmClient implements LlmClient {
    private static final int DEFAULT_MAX_TOKENS = 8192;
    /** Anthropic rejects thinking budgets below this. */
    private static final int MIN_THINKING_BUDGET = 1024;

    private final ProviderSettings settings;
    private final HttpTransport transport;

    public AnthropicLlmClient(ProviderSettings settings, HttpTransport transport) {
        this.settings = settings;
        this.transport = transport;
    }

    @Override
    public String providerName() {
        return "anthropic";
    }

    @Override
    public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
        Cancellation cancellation = new Cancellation();
        AnthropicStreamingChatModel.AnthropicStreamingChatModelBuilder b = AnthropicStreamingChatModel.builder()
                .httpClientBuilder(transport.forGeneration(cancellation))
                .baseUrl(settings.baseUrl() + "/")
                .apiKey(settings.apiKey())
                .modelName(request.model())
                .cacheSystemMessages(true)
                .maxTokens(DEFAULT_MAX_TOKENS);
        if (!settings.headers().isEmpty()) {
            b.customHeaders(settings.headers());
        }
        if (request.reasoning() != null && request.reasoning().enabled()) {
            int budget = Math.max(MIN_THINKING_BUDGET, request.reasoning().tokenCount());
            b.thinkingType("enabled").thinkingBudgetTokens(budget).returnThinking(true).sendThinking(true)
                    .maxTokens(Math.max(DEFAULT_MAX_TOKENS, budget + 4096));
        } else {
            // Thinking blocks from earlier turns must still be replayed with their signatures.
            b.sendThinking(true);
        }
        ChatRequest.Builder chat = ChatRequest.builder()
                .messages(ChatMapping.toChatMessages(request.messages(), "anthropic"));
        if (!request.tools().isEmpty()) {
            chat.toolSpecifications(ChatMapping.toToolSpecifications(request.tools()));
        }
        ChatRequest built;
        try {
            built = chat.build();
        } catch (ChatMapping.UnsupportedInput e) {
            return new GenerationOutcome.Failed(e.error());
        }
        return StreamingGeneration.run(b.build(), built, cancellation, request.timeout(), listener,
                AnthropicLlmClient::usage);
    }

    /** Anthropic's input_tokens excludes cache reads and writes; ours counts writes as input (providers.md §5). */
    static Usage usage(ChatResponse response) {
        TokenUsage u = response.tokenUsage();
        if (u == null) {
            return Usage.ZERO;
        }
        long input = n(u.inputTokenCount());
        long output = n(u.outputTokenCount());
        long cached = 0;
        if (u instanceof AnthropicTokenUsage a) {
            input += n(a.cacheCreationInputTokens());
            cached = n(a.cacheReadInputTokens());
        }
        return Usage.of(input, cached, output, 0);
    }

    private static long n(Integer v) {
        return v == null ? 0 : v;
    }
}
