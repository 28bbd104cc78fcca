package io.perstack.core.config;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one declaration of each provider (docs/providers.md §2, docs/configuration.md §4): its name in {@code perstack.toml} and on
 * the command line, how it authenticates, the environment variables it reads and its default base URL. The
 * {@code llm} module maps each constant to its client with an exhaustive switch, so adding a constant here fails to
 * compile until the provider has a client. The declaration order is the order of "Expected one of" messages.
 */
public enum ProviderKind {
    ANTHROPIC("anthropic", Auth.API_KEY, List.of("ANTHROPIC_API_KEY"), "https://api.anthropic.com/v1", false,
            Read.of(SettingKey.BASE_URL, "ANTHROPIC_BASE_URL"), Read.of(SettingKey.HEADERS)),
    GOOGLE("google", Auth.API_KEY, List.of("GOOGLE_GENERATIVE_AI_API_KEY"),
            "https://generativelanguage.googleapis.com/v1beta", false,
            Read.of(SettingKey.BASE_URL, "GOOGLE_GENERATIVE_AI_BASE_URL"), Read.of(SettingKey.HEADERS)),
    OPENAI("openai", Auth.API_KEY, List.of("OPENAI_API_KEY"), "https://api.openai.com/v1", false,
            Read.of(SettingKey.BASE_URL, "OPENAI_BASE_URL"), Read.of(SettingKey.HEADERS),
            Read.of(SettingKey.ORGANIZATION, "OPENAI_ORGANIZATION"), Read.of(SettingKey.PROJECT, "OPENAI_PROJECT"),
            Read.of(SettingKey.NAME)),
    /** A local model server: no credentials, so any http(s) URL is accepted. */
    OLLAMA("ollama", Auth.NONE, List.of(), "http://localhost:11434", true,
            Read.of(SettingKey.BASE_URL, "OLLAMA_BASE_URL"), Read.of(SettingKey.HEADERS)),
    /** No default URL: it is built from the resource name when neither baseUrl nor AZURE_BASE_URL is set. */
    AZURE_OPENAI("azure-openai", Auth.API_KEY, List.of("AZURE_API_KEY"), null, false,
            Read.of(SettingKey.BASE_URL, "AZURE_BASE_URL"), Read.of(SettingKey.HEADERS),
            Read.of(SettingKey.RESOURCE_NAME, "AZURE_RESOURCE_NAME"),
            Read.of(SettingKey.API_VERSION, "AZURE_API_VERSION"), Read.of(SettingKey.USE_DEPLOYMENT_BASED_URLS)),
    /**
     * Signed AWS requests; the endpoint follows the region. AWS_ENDPOINT_URL_BEDROCK_RUNTIME is the AWS SDKs'
     * standard override (honoured so the scripted server can stand in), not a {@code [provider.setting]} key.
     */
    AMAZON_BEDROCK("amazon-bedrock", Auth.AWS_KEYS, List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), null,
            false, Read.environmentOnly(SettingKey.BASE_URL, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"),
            Read.of(SettingKey.REGION, "AWS_REGION")),
    /** No default URL: it is built from the project and location when no base URL is set. */
    GOOGLE_VERTEX("google-vertex", Auth.GOOGLE_ADC, List.of("GOOGLE_APPLICATION_CREDENTIALS"), null, false,
            Read.of(SettingKey.BASE_URL, "GOOGLE_VERTEX_BASE_URL"), Read.of(SettingKey.HEADERS),
            Read.of(SettingKey.PROJECT, "GOOGLE_VERTEX_PROJECT"), Read.of(SettingKey.LOCATION, "GOOGLE_VERTEX_LOCATION")),
    DEEPSEEK("deepseek", Auth.API_KEY, List.of("DEEPSEEK_API_KEY"), "https://api.deepseek.com/v1", false,
            Read.of(SettingKey.BASE_URL, "DEEPSEEK_BASE_URL"), Read.of(SettingKey.HEADERS));

    /** How a provider authenticates; the {@code llm} module reads the secrets from {@link #keyVariables()}. */
    public enum Auth {
        /** One key variable, sent as a header or query parameter. */
        API_KEY,
        /** An access key id and secret (and the optional AWS_SESSION_TOKEN) for SigV4 signing. */
        AWS_KEYS,
        /** Google application default credentials: the file named by the key variable, else gcloud's. */
        GOOGLE_ADC,
        NONE
    }

    /** The {@code [provider.setting]} keys of docs/configuration.md §4. */
    public enum SettingKey {
        BASE_URL("baseUrl"), HEADERS("headers"), ORGANIZATION("organization"), PROJECT("project"), NAME("name"),
        RESOURCE_NAME("resourceName"), API_VERSION("apiVersion"), USE_DEPLOYMENT_BASED_URLS("useDeploymentBasedUrls"),
        REGION("region"), LOCATION("location");

        private final String tomlKey;

        SettingKey(String tomlKey) {
            this.tomlKey = tomlKey;
        }

        public String tomlKey() {
            return tomlKey;
        }
    }

    /**
     * A setting a provider understands: read from {@code perstack.toml} unless {@code environmentOnly}, with
     * {@code variable} (may be {@code null}) standing in when the setting is absent.
     */
    record Read(SettingKey key, String variable, boolean environmentOnly) {
        static Read of(SettingKey key) {
            return new Read(key, null, false);
        }

        static Read of(SettingKey key, String variable) {
            return new Read(key, variable, false);
        }

        static Read environmentOnly(SettingKey key, String variable) {
            return new Read(key, variable, true);
        }
    }

    private final String wireName;
    private final Auth auth;
    private final List<String> keyVariables;
    private final String defaultBaseUrl;
    private final boolean anyScheme;
    private final Map<SettingKey, Read> reads;

    ProviderKind(String wireName, Auth auth, List<String> keyVariables, String defaultBaseUrl, boolean anyScheme,
                 Read... reads) {
        this.wireName = wireName;
        this.auth = auth;
        this.keyVariables = keyVariables;
        this.defaultBaseUrl = defaultBaseUrl;
        this.anyScheme = anyScheme;
        Map<SettingKey, Read> byKey = new EnumMap<>(SettingKey.class);
        for (Read r : reads) {
            byKey.put(r.key(), r);
        }
        this.reads = byKey;
    }

    /** The kind named {@code name} in {@code perstack.toml}, {@code --provider} or a stored run setting. */
    public static Optional<ProviderKind> byName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    /** Every name, in declaration order (the order of the "Expected one of" messages). */
    public static List<String> names() {
        return Arrays.stream(values()).map(ProviderKind::wireName).toList();
    }

    public String wireName() {
        return wireName;
    }

    public Auth auth() {
        return auth;
    }

    /** The variables holding the credentials, in the order they are checked; empty when there are none. */
    public List<String> keyVariables() {
        return keyVariables;
    }

    /** The base URL when neither the setting nor the environment gives one; {@code null} when it is derived. */
    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /** Whether a base URL may be plain http to any host (else https, or http to loopback only). */
    public boolean anyScheme() {
        return anyScheme;
    }

    /** Whether {@code [provider.setting]} of this provider has {@code key}; other keys are ignored like unknown ones. */
    public boolean readsSetting(SettingKey key) {
        Read r = reads.get(key);
        return r != null && !r.environmentOnly();
    }

    /** The environment variable standing in for {@code key}, or {@code null} when there is none. */
    public String variable(SettingKey key) {
        Read r = reads.get(key);
        return r == null ? null : r.variable();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
