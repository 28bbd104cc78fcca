package io.perstack.llm;

import io.perstack.core.config.ProviderConfig;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * A provider's effective settings: the {@code [provider.setting]} values over the merged environment
 * (providers.md §2). Holds credentials in memory only; {@link #toString()} never prints them.
 */
public final class ProviderSettings {
    private final String providerName;
    private final String apiKey;
    private final String baseUrl;
    private final Map<String, String> headers;
    private final ProviderConfig.Setting setting;
    private final Map<String, String> env;

    private ProviderSettings(String providerName, String apiKey, String baseUrl, Map<String, String> headers,
                             ProviderConfig.Setting setting, Map<String, String> env) {
        this.providerName = providerName;
        this.apiKey = apiKey;
        this.baseUrl = baseUrl;
        this.headers = Map.copyOf(headers);
        this.setting = setting;
        this.env = env;
    }

    /**
     * Resolves settings and credentials, failing with the exact user message ({@code <VAR> is not set},
     * {@code URL must use HTTPS}) before any run starts.
     */
    public static ProviderSettings resolve(ProviderConfig config, Map<String, String> env) {
        String name = config.providerName();
        ProviderConfig.Setting s = config.setting();
        return switch (name) {
            case "anthropic" -> new ProviderSettings(name, required(env, "ANTHROPIC_API_KEY"),
                    baseUrl(s.baseUrl(), env, "ANTHROPIC_BASE_URL", "https://api.anthropic.com/v1", false),
                    s.headers(), s, env);
            case "openai" -> new ProviderSettings(name, required(env, "OPENAI_API_KEY"),
                    baseUrl(s.baseUrl(), env, "OPENAI_BASE_URL", "https://api.openai.com/v1", false),
                    s.headers(), s, env);
            case "deepseek" -> new ProviderSettings(name, required(env, "DEEPSEEK_API_KEY"),
                    baseUrl(s.baseUrl(), env, "DEEPSEEK_BASE_URL", "https://api.deepseek.com/v1", false),
                    s.headers(), s, env);
            case "google" -> new ProviderSettings(name, required(env, "GOOGLE_GENERATIVE_AI_API_KEY"),
                    baseUrl(s.baseUrl(), env, "GOOGLE_GENERATIVE_AI_BASE_URL",
                            "https://generativelanguage.googleapis.com/v1beta", false), s.headers(), s, env);
            case "ollama" -> new ProviderSettings(name, null,
                    baseUrl(s.baseUrl(), env, "OLLAMA_BASE_URL", "http://localhost:11434", true),
                    s.headers(), s, env);
            case "azure-openai" -> {
                String key = required(env, "AZURE_API_KEY");
                String url = s.baseUrl() != null ? s.baseUrl() : env.get("AZURE_BASE_URL");
                String resource = s.resourceName() != null ? s.resourceName() : env.get("AZURE_RESOURCE_NAME");
                if (url == null && resource == null) {
                    throw new ProviderSetupException("AZURE_RESOURCE_NAME or baseUrl is not set");
                }
                yield new ProviderSettings(name, key,
                        url != null ? checkUrl(url, false) : "https://" + resource + ".openai.azure.com/openai",
                        s.headers(), s, env);
            }
            case "amazon-bedrock" -> {
                required(env, "AWS_ACCESS_KEY_ID");
                required(env, "AWS_SECRET_ACCESS_KEY");
                if (s.region() == null && blank(env.get("AWS_REGION"))) {
                    throw new ProviderSetupException("AWS_REGION is not set");
                }
                yield new ProviderSettings(name, null, null, Map.of(), s, env);
            }
            case "google-vertex" -> new ProviderSettings(name, null,
                    s.baseUrl() != null || env.get("GOOGLE_VERTEX_BASE_URL") != null
                            ? baseUrl(s.baseUrl(), env, "GOOGLE_VERTEX_BASE_URL", null, false) : null,
                    s.headers(), s, env);
            default -> throw new ProviderSetupException("Provider \"" + name + "\" is not installed.");
        };
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (blank(v)) {
            throw new ProviderSetupException(name + " is not set");
        }
        return v;
    }

    private static String baseUrl(String fromSetting, Map<String, String> env, String envName, String fallback,
                                  boolean anyScheme) {
        String fromEnv = env.get(envName);
        String chosen = fromSetting != null ? fromSetting : !blank(fromEnv) ? fromEnv : fallback;
        if (chosen == null) {
            return null;
        }
        try {
            return anyScheme ? stripSlash(chosen) : checkUrl(chosen, false);
        } catch (ProviderSetupException e) {
            // Name where the bad URL came from: the setting wins over the environment, which wins over the default.
            String source = fromSetting != null ? "provider.setting.baseUrl"
                    : !blank(fromEnv) ? envName : "default base URL";
            throw new ProviderSetupException(source + ": " + e.getMessage());
        }
    }

    private static String checkUrl(String url, boolean anyScheme) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ProviderSetupException("Invalid URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!anyScheme && !scheme.equals("https") && !(scheme.equals("http") && isLoopback(uri.getHost()))) {
            throw new ProviderSetupException("URL must use HTTPS");
        }
        return stripSlash(url);
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

    public String providerName() {
        return providerName;
    }

    public String apiKey() {
        return apiKey;
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

    /** A value of the merged environment, for provider-specific optional variables. */
    public String env(String name) {
        return env.get(name);
    }

    /** Values that must never appear in logs, events or files (for the redactor). */
    public java.util.List<String> secretValues() {
        java.util.List<String> out = new java.util.ArrayList<>(headers.values());
        if (apiKey != null) {
            out.add(apiKey);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ProviderSettings[" + providerName + ", baseUrl=" + baseUrl + "]";
    }
}
