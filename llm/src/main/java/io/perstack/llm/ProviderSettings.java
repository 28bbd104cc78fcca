package io.perstack.llm;

import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ProviderKind;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A provider's effective settings: the {@code [provider.setting]} values over the merged environment
 * (docs/providers.md §2), resolved and checked once before any run starts. Holds credentials in memory only;
 * {@link #toString()} never prints them.
 */
public final class ProviderSettings {
    private final ProviderKind kind;
    private final Credentials credentials;
    private final String baseUrl;
    private final Map<String, String> headers;
    private final ProviderConfig.Setting setting;
    private final ProviderOptions options;

    /** How a provider authenticates; only this object ever holds the secret values. */
    public sealed interface Credentials {
        /** A key sent as a header (or query parameter) on every request. */
        record ApiKey(String key) implements Credentials {
            @Override
            public String toString() {
                return "ApiKey[***]";
            }
        }

        /** AWS keys for SigV4 signing; {@code sessionToken} is set for temporary credentials. */
        record Aws(String accessKeyId, String secretAccessKey, String sessionToken) implements Credentials {
            @Override
            public String toString() {
                return "Aws[***]";
            }
        }

        /** Google application default credentials: a service-account or authorized-user JSON file. */
        record GoogleAdc(Path file) implements Credentials {}

        /** No credentials (Ollama). */
        record None() implements Credentials {}
    }

    ProviderSettings(ProviderKind kind, Credentials credentials, String baseUrl, Map<String, String> headers,
                     ProviderConfig.Setting setting, ProviderOptions options) {
        this.kind = kind;
        this.credentials = credentials;
        this.baseUrl = baseUrl;
        this.headers = Map.copyOf(headers);
        this.setting = setting;
        this.options = options;
    }

    /**
     * Resolves settings and credentials, failing with the exact user message ({@code <VAR> is not set},
     * {@code URL must use HTTPS}) before any run starts.
     */
    public static ProviderSettings resolve(ProviderConfig config, Map<String, String> env) {
        ProviderKind kind = ProviderKind.byName(config.providerName()).orElseThrow(() ->
                new ProviderSetupException("Provider \"" + config.providerName() + "\" is not installed."));
        return Providers.resolver(kind).resolve(kind, config.setting(), env);
    }

    /** The setting's URL, else the variable's, else {@code fallback}; checked, and named by where it came from. */
    static String baseUrl(String fromSetting, Map<String, String> env, String envName, String fallback,
                          boolean anyScheme) {
        String fromEnv = envName == null ? null : env.get(envName);
        String chosen = fromSetting != null ? fromSetting : !SettingsResolution.blank(fromEnv) ? fromEnv : fallback;
        if (chosen == null) {
            return null;
        }
        try {
            return checkUrl(chosen, anyScheme);
        } catch (ProviderSetupException e) {
            // Name where the bad URL came from: the setting wins over the environment, which wins over the default.
            String source = fromSetting != null ? "provider.setting.baseUrl"
                    : !SettingsResolution.blank(fromEnv) ? envName : "default base URL";
            throw new ProviderSetupException(source + ": " + e.getMessage());
        }
    }

    static String checkUrl(String url, boolean anyScheme) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ProviderSetupException("Invalid URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (anyScheme) {
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new ProviderSetupException("Invalid URL: " + url);
            }
        } else if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(uri.getHost()))) {
            throw new ProviderSetupException("URL must use HTTPS");
        }
        return stripSlash(url);
    }

    /** Whether {@code url} may carry credentials: https anywhere, http only to a loopback host. */
    public static boolean isSecureOrLoopback(String url) {
        try {
            checkUrl(url, false);
            return true;
        } catch (ProviderSetupException e) {
            return false;
        }
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public ProviderKind kind() {
        return kind;
    }

    public String providerName() {
        return kind.wireName();
    }

    public Credentials credentials() {
        return credentials;
    }

    /** The API key of key-based providers; {@code null} for Bedrock, Vertex and Ollama. */
    public String apiKey() {
        return credentials instanceof Credentials.ApiKey(String key) ? key : null;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public ProviderConfig.Setting setting() {
        return setting;
    }

    /** The provider-specific values, typed per provider ({@link ProviderOptions.None} for most). */
    public ProviderOptions options() {
        return options;
    }

    /** The options of a provider known to have {@code type}, such as {@link ProviderOptions.Bedrock} for Bedrock. */
    public <T extends ProviderOptions> T options(Class<T> type) {
        if (!type.isInstance(options)) {
            throw new IllegalStateException(kind + " has no " + type.getSimpleName() + " options");
        }
        return type.cast(options);
    }

    /** Values that must never appear in logs, events or files (for the redactor). */
    public List<String> secretValues() {
        List<String> out = new ArrayList<>(headers.values());
        // Not credentials, but account identifiers a provider may echo; keeping them out of stored errors is cheap.
        if (options instanceof ProviderOptions.OpenAi(String organization, String project)) {
            out.add(organization);
            out.add(project);
        }
        switch (credentials) {
            case Credentials.ApiKey(String key) -> out.add(key);
            case Credentials.Aws(String id, String secret, String token) -> {
                out.add(id);
                out.add(secret);
                if (token != null) {
                    out.add(token);
                }
            }
            case Credentials.GoogleAdc adc -> { }
            case Credentials.None none -> { }
        }
        out.removeIf(v -> v == null || v.isBlank());
        return out;
    }

    @Override
    public String toString() {
        return "ProviderSettings[" + kind.wireName() + ", baseUrl=" + baseUrl + "]";
    }
}
