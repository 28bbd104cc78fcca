package io.perstack.llm;

import io.perstack.llm.anthropic.AnthropicLlmClient;
import io.perstack.llm.http.JdkTransport;

/** Creates the client of a provider; adapters are created on first use only. */
public final class Providers {
    private Providers() {}

    public static LlmClient create(ProviderSettings settings, String proxyUrl) {
        JdkTransport transport = new JdkTransport(proxyUrl);
        return switch (settings.providerName()) {
            case "anthropic" -> new AnthropicLlmClient(settings, transport);
            default -> throw new ProviderSetupException("Provider \"" + settings.providerName()
                    + "\" is not installed.");
        };
    }
}
