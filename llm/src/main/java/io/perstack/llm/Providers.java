package io.perstack.llm;

import io.perstack.core.config.ProviderKind;
import io.perstack.llm.anthropic.AnthropicLlmClient;
import io.perstack.llm.bedrock.BedrockLlmClient;
import io.perstack.llm.google.GeminiLlmClient;
import io.perstack.llm.http.HttpTransport;
import io.perstack.llm.ollama.OllamaLlmClient;
import io.perstack.llm.openai.OpenAiLlmClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The provider clients of one owner (a CLI invocation, an embedding application's run options). Clients are created
 * on first use and shared per (provider, hash of the credentials, headers and options, base URL, proxy URL), so the
 * runs of one job share a connection pool and, for Vertex, an access token (docs/providers.md §1). {@link #close()}
 * releases the idle connections; nothing is kept in static state.
 */
public final class Providers implements AutoCloseable {
    private record Made(LlmClient client, HttpTransport transport) {}

    /** The llm half of a provider's declaration: how its settings resolve and which client speaks its wire. */
    private record Adapter(SettingsResolution.Resolver resolver,
                           BiFunction<ProviderSettings, HttpTransport, LlmClient> client) {}

    private final Map<String, Made> clients = new ConcurrentHashMap<>();

    /**
     * Exhaustive over {@link ProviderKind}: a new kind does not compile until it is given a resolver (usually
     * {@link SettingsResolution#standard}) and a client.
     */
    private static Adapter adapter(ProviderKind kind) {
        return switch (kind) {
            case ANTHROPIC -> new Adapter(SettingsResolution::standard, AnthropicLlmClient::new);
            case GOOGLE -> new Adapter(SettingsResolution::standard, GeminiLlmClient::new);
            case OPENAI -> new Adapter(SettingsResolution::openAi, OpenAiLlmClient::new);
            case OLLAMA -> new Adapter(SettingsResolution::standard, OllamaLlmClient::new);
            case AZURE_OPENAI -> new Adapter(SettingsResolution::azure, OpenAiLlmClient::new);
            case AMAZON_BEDROCK -> new Adapter(SettingsResolution::bedrock, BedrockLlmClient::new);
            case GOOGLE_VERTEX -> new Adapter(SettingsResolution::vertex, GeminiLlmClient::new);
            case DEEPSEEK -> new Adapter(SettingsResolution::standard, OpenAiLlmClient::new);
        };
    }

    static SettingsResolution.Resolver resolver(ProviderKind kind) {
        return adapter(kind).resolver();
    }

    /** The client for resolved settings; every error it reports has the settings' secrets redacted. */
    public LlmClient create(ProviderSettings settings, String proxyUrl) {
        return made(settings, proxyUrl).client();
    }

    /**
     * Creates the client {@link #create} will return and starts connecting to the provider's address in the
     * background, so a TLS handshake overlaps the rest of a run's start-up instead of delaying its first request.
     */
    public void preconnect(ProviderSettings settings, String proxyUrl) {
        HttpTransport transport = made(settings, proxyUrl).transport();
        if (settings.baseUrl() != null) {
            try {
                transport.preconnect(java.net.URI.create(settings.baseUrl()));
            } catch (IllegalArgumentException unusable) {
                // The first request reports a bad address with its own message.
            }
        }
    }

    /** Closes every client made so far (their idle connections) and forgets them. */
    @Override
    public void close() {
        for (Made m : clients.values()) {
            m.transport().close();
        }
        clients.clear();
    }

    private Made made(ProviderSettings settings, String proxyUrl) {
        return clients.computeIfAbsent(cacheKey(settings, proxyUrl), k -> build(settings, proxyUrl));
    }

    /** Only a digest of the secrets is kept in the key, so the cache holds no second copy of them. */
    private static String cacheKey(ProviderSettings settings, String proxyUrl) {
        StringBuilder material = new StringBuilder();
        settings.secretValues().forEach(v -> material.append(v).append('\u0000'));
        material.append(settings.credentials() instanceof ProviderSettings.Credentials.GoogleAdc(var file)
                ? file.toAbsolutePath().toString() : "");
        new TreeMap<>(settings.headers()).forEach((k, v) -> material.append(k).append('\u0000'));
        material.append(settings.options()).append('\u0000');
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(material.toString().getBytes(StandardCharsets.UTF_8));
            return settings.providerName() + "|" + settings.baseUrl() + "|" + proxyUrl + "|"
                    + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Made build(ProviderSettings settings, String proxyUrl) {
        HttpTransport transport = new HttpTransport(proxyUrl);
        LlmClient client = adapter(settings.kind()).client().apply(settings, transport);
        return new Made(new RedactingLlmClient(client, settings.secretValues()), transport);
    }
}
