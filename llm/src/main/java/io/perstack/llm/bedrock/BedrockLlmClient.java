package io.perstack.llm.bedrock;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.perstack.core.config.ProviderKind;
import io.perstack.core.model.Usage;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderError;
import io.perstack.llm.ProviderOptions;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.http.Cancellation;
import io.perstack.llm.http.HttpTransport;
import io.perstack.llm.langchain.ChatMapping;
import io.perstack.llm.langchain.StreamingGeneration;
import io.perstack.llm.langchain.TokenCounts;

/**
 * Amazon Bedrock through ConverseStream, signed with SigV4. No LangChain4j Bedrock module is available to this
 * build (and it would bring the whole AWS SDK), so the wire is spoken here; conversation mapping, deadline and error
 * classification are shared with the other providers.
 */
public final class BedrockLlmClient implements LlmClient {
    private final ProviderSettings settings;
    private final HttpTransport transport;
    private final SigV4 signer;

    public BedrockLlmClient(ProviderSettings settings, HttpTransport transport) {
        this.settings = settings;
        this.transport = transport;
        if (!(settings.credentials() instanceof ProviderSettings.Credentials.Aws(var id, var secret, var token))) {
            throw new IllegalArgumentException("Bedrock needs AWS credentials");
        }
        this.signer = new SigV4(id, secret, token, settings.options(ProviderOptions.Bedrock.class).region(), "bedrock");
    }

    @Override
    public String providerName() {
        return ProviderKind.AMAZON_BEDROCK.wireName();
    }

    @Override
    public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
        Cancellation cancellation = new Cancellation();
        int budget = request.reasoning() != null && request.reasoning().enabled()
                ? Math.max(1024, request.reasoning().tokenCount()) : 0;
        ConverseStreamModel model = new ConverseStreamModel(settings.baseUrl(), signer, transport, cancellation,
                request.model(), request.tools(), budget);
        ChatRequest chat;
        try {
            chat = ChatRequest.builder()
                    .messages(ChatMapping.toChatMessages(request.messages(), ProviderKind.AMAZON_BEDROCK.wireName())).build();
        } catch (ChatMapping.UnsupportedInput e) {
            return new GenerationOutcome.Failed(e.error());
        } catch (IllegalArgumentException e) {
            return new GenerationOutcome.Failed(new ProviderError("UnsupportedInputError", e.getMessage(), null,
                    false, null));
        }
        return StreamingGeneration.run(model, chat, cancellation, request.timeout(), listener,
                BedrockLlmClient::usage);
    }

    /** Like Anthropic: cache writes count as input, cache reads are the cached input (docs/providers.md §5). */
    static Usage usage(ChatResponse response) {
        return TokenCounts.of(response).map(t -> t.usage() instanceof ConverseStreamModel.ConverseTokenUsage c
                ? Usage.of(t.input() + c.cacheWrite(), c.cacheRead(), t.output(), 0)
                : Usage.of(t.input(), 0, t.output(), 0)).orElse(Usage.ZERO);
    }
}
