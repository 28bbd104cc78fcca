package io.perstack.llm;

import io.perstack.core.config.ProviderConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A provider's effective settings: the {@code [provider.setting]} values over the merged environment
 * (docs/providers.md §2), resolved and checked once before any run starts. Holds credentials in memory only;
 * {@link #toString()} never prints them.
 */
public final class ProviderSettings {
    /** Azure's v1 API accepts this version; deployment-based URLs need a dated one from the setting or env. */
    public static final String AZURE_DEFAULT_API_VERSION = "v1";

    private final String providerName;
    private final Credentials credentials;
    private final String baseUrl;
    private final Map<String, String> headers;
    private final ProviderConfig.Setting setting;
    private final Map<String, String> values;

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

    private ProviderSettings(String providerName, Credentials credentials, String baseUrl,
                             Map<String, String> headers, ProviderConfig.Setting setting,
                             Map<String, String> values) {
        this.providerName = providerName;
        this.credentials = credentials;
        this.baseUrl = baseUrl;
        this.headers = Map.copyOf(headers);
        this.setting = setting;
        this.values = Map.copyOf(values);
    }

    /**
     * Resolves settings and credentials, failing with the exact user message ({@code <VAR> is not set},
     * {@code URL must use HTTPS}) before any run starts.
     */
    public static ProviderSettings resolve(ProviderConfig config, Map<String, String> env) {
        String name = config.providerName();
        ProviderConfig.Setting s = config.setting();
        return switch (name) {
            case "anthropic" -> new ProviderSettings(name, apiKey(env, "ANTHROPIC_API_KEY"),
                    baseUrl(s.baseUrl(), env, "ANTHROPIC_BASE_URL", "https://api.anthropic.com/v1", false),
                    s.headers(), s, Map.of());
            case "openai" -> {
                Map<String, String> v = new HashMap<>();
                putIfSet(v, "organization", first(s.organization(), env.get("OPENAI_ORGANIZATION")));
                putIfSet(v, "project", first(s.project(), env.get("OPENAI_PROJECT")));
                yield new ProviderSettings(name, apiKey(env, "OPENAI_API_KEY"),
                        baseUrl(s.baseUrl(), env, "OPENAI_BASE_URL", "https://api.openai.com/v1", false),
                        s.headers(), s, v);
            }
            case "deepseek" -> new ProviderSettings(name, apiKey(env, "DEEPSEEK_API_KEY"),
                    baseUrl(s.baseUrl(), env, "DEEPSEEK_BASE_URL", "https://api.deepseek.com/v1", false),
                    s.headers(), s, Map.of());
            case "google" -> new ProviderSettings(name, apiKey(env, "GOOGLE_GENERATIVE_AI_API_KEY"),
                    baseUrl(s.baseUrl(), env, "GOOGLE_GENERATIVE_AI_BASE_URL",
                            "https://generativelanguage.googleapis.com/v1beta", false), s.headers(), s, Map.of());
            case "ollama" -> new ProviderSettings(name, new Credentials.None(),
                    baseUrl(s.baseUrl(), env, "OLLAMA_BASE_URL", "http://localhost:11434", true),
                    s.headers(), s, Map.of());
            case "azure-openai" -> azure(s, env);
            case "amazon-bedrock" -> bedrock(s, env);
            case "google-vertex" -> vertex(s, env);
            default -> throw new ProviderSetupException("Provider \"" + name + "\" is not installed.");
        };
    }

    private static ProviderSettings azure(ProviderConfig.Setting s, Map<String, String> env) {
        Credentials key = apiKey(env, "AZURE_API_KEY");
        String resource = first(s.resourceName(), env.get("AZURE_RESOURCE_NAME"));
        boolean hasUrl = s.baseUrl() != null || !blank(env.get("AZURE_BASE_URL"));
        if (!hasUrl && resource == null) {
            throw new ProviderSetupException("AZURE_RESOURCE_NAME or baseUrl is not set");
        }
        String url = hasUrl ? baseUrl(s.baseUrl(), env, "AZURE_BASE_URL", null, false)
                : checkUrl("https://" + resource + ".openai.azure.com/openai", false);
        Map<String, String> v = new HashMap<>();
        v.put("apiVersion", first(first(s.apiVersion(), env.get("AZURE_API_VERSION")), AZURE_DEFAULT_API_VERSION));
        v.put("deploymentUrls", String.valueOf(Boolean.TRUE.equals(s.useDeploymentBasedUrls())));
        return new ProviderSettings("azure-openai", key, url, s.headers(), s, v);
    }

    private static ProviderSettings bedrock(ProviderConfig.Setting s, Map<String, String> env) {
        String id = required(env, "AWS_ACCESS_KEY_ID");
        String secret = required(env, "AWS_SECRET_ACCESS_KEY");
        String region = first(s.region(), env.get("AWS_REGION"));
        if (region == null) {
            throw new ProviderSetupException("AWS_REGION is not set");
        }
        if (!region.matches("[a-z0-9-]{1,40}")) {
            throw new ProviderSetupException("Invalid AWS region: " + region);
        }
        String token = blank(env.get("AWS_SESSION_TOKEN")) ? null : env.get("AWS_SESSION_TOKEN");
        // The AWS SDKs' standard endpoint override; we honour it so the scripted server can stand in for Bedrock.
        String url = baseUrl(null, env, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
                "https://bedrock-runtime." + region + ".amazonaws.com", false);
        return new ProviderSettings("amazon-bedrock", new Credentials.Aws(id, secret, token), url, Map.of(), s,
                Map.of("region", region));
    }

    private static ProviderSettings vertex(ProviderConfig.Setting s, Map<String, String> env) {
        Path adc = applicationDefaultCredentials(env);
        String url;
        Map<String, String> v = new HashMap<>();
        if (s.baseUrl() != null || !blank(env.get("GOOGLE_VERTEX_BASE_URL"))) {
            url = baseUrl(s.baseUrl(), env, "GOOGLE_VERTEX_BASE_URL", null, false);
        } else {
            String project = first(s.project(), env.get("GOOGLE_VERTEX_PROJECT"));
            if (project == null) {
                throw new ProviderSetupException("GOOGLE_VERTEX_PROJECT is not set");
            }
            String location = first(s.location(), env.get("GOOGLE_VERTEX_LOCATION"));
            if (location == null) {
                throw new ProviderSetupException("GOOGLE_VERTEX_LOCATION is not set");
            }
            if (!project.matches("[a-z0-9][a-z0-9:.-]{0,100}") || !location.matches("[a-z0-9-]{1,40}")) {
                throw new ProviderSetupException("Invalid Vertex project or location");
            }
            String host = location.equals("global") ? "aiplatform.googleapis.com"
                    : location + "-aiplatform.googleapis.com";
            url = "https://" + host + "/v1/projects/" + project + "/locations/" + location + "/publishers/google";
            v.put("project", project);
            v.put("location", location);
        }
        return new ProviderSettings("google-vertex", new Credentials.GoogleAdc(adc), url, s.headers(), s, v);
    }

    /** The ADC file: {@code GOOGLE_APPLICATION_CREDENTIALS}, else gcloud's well-known file under the home folder. */
    private static Path applicationDefaultCredentials(Map<String, String> env) {
        String explicit = env.get("GOOGLE_APPLICATION_CREDENTIALS");
        if (!blank(explicit)) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) {
                throw new ProviderSetupException("GOOGLE_APPLICATION_CREDENTIALS file not found: " + explicit);
            }
            return p;
        }
        String configDir = env.get("CLOUDSDK_CONFIG");
        String home = env.get("HOME");
        Path wellKnown = !blank(configDir) ? Path.of(configDir, "application_default_credentials.json")
                : !blank(home) ? Path.of(home, ".config", "gcloud", "application_default_credentials.json") : null;
        if (wellKnown != null && Files.isRegularFile(wellKnown)) {
            return wellKnown;
        }
        throw new ProviderSetupException("GOOGLE_APPLICATION_CREDENTIALS is not set");
    }

    private static void putIfSet(Map<String, String> from, List<String> to, String key) {
        if (from.get(key) != null) {
            to.add(from.get(key));
        }
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String first(String setting, String envValue) {
        return setting != null ? setting : blank(envValue) ? null : envValue;
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }

    private static Credentials apiKey(Map<String, String> env, String name) {
        return new Credentials.ApiKey(required(env, name));
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
            return checkUrl(chosen, anyScheme);
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

    public String providerName() {
        return providerName;
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

    /**
     * A resolved provider-specific value: {@code organization}, {@code project} (OpenAI, Vertex), {@code apiVersion},
     * {@code deploymentUrls} (Azure), {@code region} (Bedrock), {@code location} (Vertex); {@code null} when unset.
     */
    public String value(String key) {
        return values.get(key);
    }

    /** Values that must never appear in logs, events or files (for the redactor). */
    public List<String> secretValues() {
        List<String> out = new ArrayList<>(headers.values());
        // Not credentials, but account identifiers a provider may echo; keeping them out of stored errors is cheap.
        if (providerName.equals("openai")) {
            putIfSet(values, out, "organization");
            putIfSet(values, out, "project");
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
        return "ProviderSettings[" + providerName + ", baseUrl=" + baseUrl + "]";
    }
}
