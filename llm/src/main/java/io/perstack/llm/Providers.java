package io.perstack.llm;

import io.perstack.llm.anthropic.AnthropicLlmClient;
import io.perstack.llm.bedrock.BedrockLlmClient;
import io.perstack.llm.google.GeminiLlmClient;
import io.perstack.llm.http.JdkTransport;
import io.perstack.llm.ollama.OllamaLlmClient;
import io.perstack.llm.openai.OpenAiLlmClient;

/** Creates the client of a provider; adapters are created on first use only. */
public final class Providers {
    private Providers() {}

    /** The client for resolved settings; every error it reports has the settings' secrets redacted. */
    public static LlmClient create(ProviderSettings settings, String proxyUrl) {
        JdkTransport transport = new JdkTransport(proxyUrl);
        LlmClient client = switch (settings.providerName()) {
            case "anthropic" -> new AnthropicLlmClient(settings, transport);
            case "openai", "azure-openai", "deepseek" -> new OpenAiLlmClient(settings, transport);
            case "google", "google-vertex" -> new GeminiLlmClient(settings, transport);
            case "ollama" -> new OllamaLlmClient(settings, transport);
            case "amazon-bedrock" -> new BedrockLlmClient(settings, transport);
            default -> throw new ProviderSetupException("Provider \"" + settings.providerName()
                    + "\" is not installed.");
        };
        return new RedactingLlmClient(client, settings.secretValues());
    }
}
