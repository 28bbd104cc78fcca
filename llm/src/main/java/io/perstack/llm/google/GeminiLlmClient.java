package io.perstack.llm.google;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.googleai.GeminiThinkingConfig;
import dev.langchain4j.model.googleai.GoogleAiGeminiStreamingChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiTokenUsage;
import io.perstack.core.model.Usage;
import io.perstack.llm.FailureClassifier;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.http.Cancellation;
import io.perstack.llm.http.HttpTransport;
import io.perstack.llm.langchain.ChatMapping;
import io.perstack.llm.langchain.StreamingGeneration;
import io.perstack.llm.langchain.TokenCounts;
import java.util.HashMap;
import java.util.Map;

/**
 * Gemini {@code streamGenerateContent}. For {@code google} the key goes in {@code x-goog-api-key}; for
 * {@code google-vertex} the same request body goes to the Vertex publisher-model endpoint with an OAuth2 bearer
 * token from application default credentials, because Vertex serves the identical Gemini wire format.
 */
public final class GeminiLlmClient implements LlmClient {
    private final ProviderSettings settings;
    private final HttpTransport transport;
    private final GoogleAccessTokens tokens;

    public GeminiLlmClient(ProviderSettings settings, HttpTransport transport) {
        this.settings = settings;
        this.transport = transport;
        this.tokens = settings.credentials() instanceof ProviderSettings.Credentials.GoogleAdc(var file)
                ? new GoogleAccessTokens(file, transport) : null;
    }

    @Override
    public String providerName() {
        return settings.providerName();
    }

    @Override
    public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
        Cancellation cancellation = new Cancellation();
        Map<String, String> headers = new HashMap<>(settings.headers());
        GoogleAiGeminiStreamingChatModel.GoogleAiGeminiStreamingChatModelBuilder b =
                GoogleAiGeminiStreamingChatModel.builder()
                        .httpClientBuilder(transport.forGeneration(cancellation))
                        .baseUrl(settings.baseUrl())
                        .modelName(request.model())
                        .returnThinking(true)
                        .sendThinking(true);
        String accessToken = null;
        if (tokens != null) {
            try {
                accessToken = tokens.current();
                headers.put("Authorization", "Bearer " + accessToken);
            } catch (RuntimeException e) {
                return new GenerationOutcome.Failed(FailureClassifier.classify(e));
            }
        } else {
            b.apiKey(settings.apiKey());
        }
        if (!headers.isEmpty()) {
            b.customHeaders(headers);
        }
        if (request.reasoning() != null && request.reasoning().enabled()) {
            b.thinkingConfig(GeminiThinkingConfig.builder().thinkingBudget(request.reasoning().tokenCount())
                    .includeThoughts(true).build());
        }
        ChatRequest.Builder chat = ChatRequest.builder();
        try {
            chat.messages(ChatMapping.toChatMessages(request.messages(), settings.providerName()));
        } catch (ChatMapping.UnsupportedInput e) {
            return new GenerationOutcome.Failed(e.error());
        }
        if (!request.tools().isEmpty()) {
            try {
                chat.toolSpecifications(ChatMapping.toTypedToolSpecifications(request.tools()));
            } catch (RuntimeException e) {
                return new GenerationOutcome.Failed(new io.perstack.llm.ProviderError("UnsupportedSchemaError",
                        "Provider " + settings.providerName() + " cannot take a tool schema: " + e.getMessage(),
                        null, false, null));
            }
        }
        GenerationOutcome outcome = StreamingGeneration.run(b.build(), chat.build(), cancellation,
                request.timeout(), listener, GeminiLlmClient::usage);
        if (accessToken != null && outcome instanceof GenerationOutcome.Failed(var e)) {
            // The access token is a credential too, but a short-lived one the settings never saw.
            String token = accessToken;
            return new GenerationOutcome.Failed(new io.perstack.llm.ProviderError(e.name(),
                    e.message() == null ? null : e.message().replace(token, "[REDACTED]"), e.statusCode(),
                    e.retryable(), e.retryAfter()));
        }
        return outcome;
    }

    /**
     * Gemini's prompt count includes cached content, and thoughts are counted apart from the candidates; ours
     * exclude cache reads from input and include reasoning in output (docs/providers.md §5).
     */
    static Usage usage(ChatResponse response) {
        return TokenCounts.of(response).map(t -> {
            long cached = 0;
            long thoughts = 0;
            if (t.usage() instanceof GoogleAiGeminiTokenUsage g) {
                cached = TokenCounts.count(g.cachedContentTokenCount());
                thoughts = TokenCounts.count(g.thoughtsTokenCount());
            }
            return Usage.of(Math.max(0, t.input() - cached), cached, t.output() + thoughts, thoughts);
        }).orElse(Usage.ZERO);
    }
}
