package io.perstack.llm.ollama;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import io.perstack.core.config.ProviderKind;
import io.perstack.core.config.ReasoningBudget;
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
import io.perstack.llm.langchain.TokenCounts;
import java.util.Locale;

/** Ollama {@code /api/chat}: {@code think: true} when reasoning is on; no keys, optional custom headers. */
public final class OllamaLlmClient implements LlmClient {
    private final ProviderSettings settings;
    private final HttpTransport transport;

    public OllamaLlmClient(ProviderSettings settings, HttpTransport transport) {
        this.settings = settings;
        this.transport = transport;
    }

    @Override
    public String providerName() {
        return ProviderKind.OLLAMA.wireName();
    }

    @Override
    public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
        Cancellation cancellation = new Cancellation();
        OllamaStreamingChatModel.OllamaStreamingChatModelBuilder b = OllamaStreamingChatModel.builder()
                .httpClientBuilder(transport.forGeneration(cancellation))
                .baseUrl(settings.baseUrl())
                .modelName(request.model())
                .returnThinking(true);
        if (!settings.headers().isEmpty()) {
            b.customHeaders(settings.headers());
        }
        if (thinks(request.model(), request.reasoning())) {
            b.think(true);
        }
        ChatRequest chat;
        try {
            chat = ChatMapping.toChatRequest(request.messages(), request.tools(), ProviderKind.OLLAMA.wireName());
        } catch (ChatMapping.UnsupportedInput e) {
            return new GenerationOutcome.Failed(e.error());
        }
        return StreamingGeneration.run(b.build(), chat, cancellation, request.timeout(), listener,
                OllamaLlmClient::usage);
    }

    /**
     * Whether to send {@code think: true}. Ollama answers 400 to it for models without thinking support, and
     * the Gemma family (in the known-models table) has none; with the default budget {@code low} every Gemma run
     * would fail otherwise.
     */
    static boolean thinks(String model, ReasoningBudget budget) {
        return budget != null && budget.enabled()
                && !(model != null && model.toLowerCase(Locale.ROOT).startsWith("gemma"));
    }

    /** Ollama has no prompt cache accounting: every prompt token is input. */
    static Usage usage(ChatResponse response) {
        return TokenCounts.of(response).map(t -> Usage.of(t.input(), 0, t.output(), 0)).orElse(Usage.ZERO);
    }
}
