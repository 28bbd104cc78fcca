package io.perstack.llm;

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

/**
 * Creates the client of a provider; adapters are created on first use only and cached per (provider, hash of the
 * credentials and headers, base URL, proxy URL), so the runs of one job share a connection pool and, for Vertex,
 * an access token (docs/providers.md §1).
 */
public final class Providers {
    private static final Map<String, LlmClient> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, HttpTransport> TRANSPORT_OF = new ConcurrentHashMap<>();

    private Providers() {}

    /** The client for resolved settings; every error it reports has the settings' secrets redacted. */
    public static LlmClient create(ProviderSettings settings, String proxyUrl) {
        String key = cacheKey(settings, proxyUrl);
        return CACHE.computeIfAbsent(key, k -> build(k, settings, proxyUrl));
    }

    /**
     * Creates the client {@link #create} will return and starts connecting to the provider's address in the
     * background, so a TLS handshake overlaps the rest of a run's start-up instead of delaying its first request.
     */
    public static void preconnect(ProviderSettings settings, String proxyUrl) {
        create(settings, proxyUrl);
        HttpTransport transport = TRANSPORT_OF.get(cacheKey(settings, proxyUrl));
        if (transport != null && settings.baseUrl() != null) {
            try {
                transport.preconnect(java.net.URI.create(settings.baseUrl()));
            } catch (IllegalArgumentException unusable) {
                // The first request reports a bad address with its own message.
            }
        }
    }

    /** Closes every client made so far (their idle connections) and forgets them; a process calls this on exit. */
    public static void closeAll() {
        CACHE.clear();
        for (HttpTransport t : TRANSPORT_OF.values()) {
            t.close();
        }
        TRANSPORT_OF.clear();
    }

    /** Only a digest of the secrets is kept in the key, so the cache holds no second copy of them. */
    private static String cacheKey(ProviderSettings settings, String proxyUrl) {
        StringBuilder material = new StringBuilder();
        settings.secretValues().forEach(v -> material.append(v).append('\u0000'));
        material.append(settings.credentials() instanceof ProviderSettings.Credentials.GoogleAdc(var file)
                ? file.toAbsolutePath().toString() : "");
        new TreeMap<>(settings.headers()).forEach((k, v) -> material.append(k).append('\u0000'));
        for (String key : new String[] {"organization", "project", "apiVersion", "deploymentUrls", "region"}) {
            material.append(settings.value(key)).append('\u0000');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(material.toString().getBytes(StandardCharsets.UTF_8));
            return settings.providerName() + "|" + settings.baseUrl() + "|" + proxyUrl + "|"
                    + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LlmClient build(String key, ProviderSettings settings, String proxyUrl) {
        HttpTransport transport = new HttpTransport(proxyUrl);
        TRANSPORT_OF.put(key, transport);
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
