package io.perstack.llm.openai;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import io.perstack.core.config.ProviderKind;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.model.Usage;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderOptions;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.http.Cancellation;
import io.perstack.llm.http.HttpTransport;
import io.perstack.llm.langchain.ChatMapping;
import io.perstack.llm.langchain.StreamingGeneration;
import io.perstack.llm.langchain.TokenCounts;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Chat Completions for OpenAI, Azure OpenAI and DeepSeek: one wire, three ways to address and authenticate it.
 * OpenAI reasoning models get {@code reasoning_effort}; DeepSeek's {@code reasoning_content} is streamed as reasoning
 * and sent back with the history.
 */
public final class OpenAiLlmClient implements LlmClient {
    private final ProviderSettings settings;
    private final HttpTransport transport;

    public OpenAiLlmClient(ProviderSettings settings, HttpTransport transport) {
        this.settings = settings;
        this.transport = transport;
    }

    @Override
    public String providerName() {
        return settings.providerName();
    }

    @Override
    public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
        Cancellation cancellation = new Cancellation();
        OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder b = OpenAiStreamingChatModel.builder()
                .httpClientBuilder(transport.forGeneration(cancellation))
                .modelName(request.model());
        Map<String, String> headers = new HashMap<>(settings.headers());
        switch (settings.kind()) {
            case AZURE_OPENAI -> {
                // Azure authenticates with its own header, never a bearer token, and addresses deployments by name.
                ProviderOptions.Azure azure = settings.options(ProviderOptions.Azure.class);
                headers.put("api-key", settings.apiKey());
                b.returnThinking(true);
                b.baseUrl(azure.deploymentUrls() ? settings.baseUrl() + "/deployments/" + request.model()
                                : settings.baseUrl() + "/v1")
                        .customQueryParams(Map.of("api-version", azure.apiVersion()));
            }
            case DEEPSEEK -> b.baseUrl(settings.baseUrl()).apiKey(settings.apiKey())
                    .returnThinking(true).sendThinking(true);
            default -> {
                // Chat Completions never returns OpenAI's reasoning text; compatible servers may send it anyway.
                b.baseUrl(settings.baseUrl()).apiKey(settings.apiKey()).returnThinking(true);
                if (settings.options() instanceof ProviderOptions.OpenAi(String organization, String project)) {
                    if (organization != null) {
                        b.organizationId(organization);
                    }
                    if (project != null) {
                        b.projectId(project);
                    }
                }
            }
        }
        if (!headers.isEmpty()) {
            b.customHeaders(headers);
        }
        String effort = settings.kind() == ProviderKind.DEEPSEEK ? null
                : reasoningEffort(request.model(), request.reasoning());
        if (effort != null) {
            b.reasoningEffort(effort);
        }
        ChatRequest chat;
        try {
            chat = ChatMapping.toChatRequest(request.messages(), request.tools(), settings.providerName());
        } catch (ChatMapping.UnsupportedInput e) {
            return new GenerationOutcome.Failed(e.error());
        }
        return StreamingGeneration.run(b.build(), chat, cancellation, request.timeout(), listener,
                OpenAiLlmClient::usage);
    }

    /**
     * {@code reasoning_effort} for a budget (docs/providers.md §4), or {@code null} when reasoning is off or the model
     * is not a reasoning model: OpenAI rejects the parameter for models such as {@code gpt-4.1}, and the default
     * budget is {@code low}, so sending it everywhere would break every non-reasoning model.
     */
    public static String reasoningEffort(String model, ReasoningBudget budget) {
        if (budget == null || !budget.enabled() || !isReasoningModel(model)) {
            return null;
        }
        if (budget.level() != null) {
            return budget.level().equals("minimal") ? "low" : budget.level();
        }
        int tokens = budget.tokenCount();
        return tokens <= 2048 ? "low" : tokens <= 5000 ? "medium" : "high";
    }

    static boolean isReasoningModel(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        m = slash >= 0 ? m.substring(slash + 1) : m;
        return m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4")
                || (m.startsWith("gpt-5") && !m.startsWith("gpt-5-chat"));
    }

    /** OpenAI's prompt tokens include cached ones; ours do not (docs/providers.md §5). */
    static Usage usage(ChatResponse response) {
        return TokenCounts.of(response).map(t -> {
            long cached = 0;
            long reasoning = 0;
            if (t.usage() instanceof OpenAiTokenUsage o) {
                if (o.inputTokensDetails() != null) {
                    cached = TokenCounts.count(o.inputTokensDetails().cachedTokens());
                }
                if (o.outputTokensDetails() != null) {
                    reasoning = TokenCounts.count(o.outputTokensDetails().reasoningTokens());
                }
            }
            return Usage.of(Math.max(0, t.input() - cached), cached, t.output(), reasoning);
        }).orElse(Usage.ZERO);
    }
}
