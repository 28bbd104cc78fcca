package io.perstack.llm;

import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ProviderKind;
import io.perstack.core.config.ProviderKind.SettingKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How each kind of provider turns its {@code [provider.setting]} and the environment into {@link ProviderSettings}
 * (docs/providers.md §2). Every variable name comes from the {@link ProviderKind} declaration; a provider with a fixed
 * default URL needs only {@link #standard}. Credentials are always checked first, so the first message names them.
 */
final class SettingsResolution {
    /** Azure's v1 API accepts this version; deployment-based URLs need a dated one from the setting or env. */
    static final String AZURE_DEFAULT_API_VERSION = "v1";

    /** One way of resolving; {@link Providers} names the one each kind uses. */
    @FunctionalInterface
    interface Resolver {
        ProviderSettings resolve(ProviderKind kind, ProviderConfig.Setting setting, Map<String, String> env);
    }

    private SettingsResolution() {}

    /** Credentials, then the base URL from the setting, the environment or the declared default. */
    static ProviderSettings standard(ProviderKind kind, ProviderConfig.Setting s, Map<String, String> env) {
        return of(kind, credentials(kind, env), standardUrl(kind, s, env), s, ProviderOptions.NONE);
    }

    static ProviderSettings openAi(ProviderKind kind, ProviderConfig.Setting s, Map<String, String> env) {
        ProviderOptions options = new ProviderOptions.OpenAi(
                first(s.organization(), variable(kind, SettingKey.ORGANIZATION, env)),
                first(s.project(), variable(kind, SettingKey.PROJECT, env)));
        return of(kind, credentials(kind, env), standardUrl(kind, s, env), s, options);
    }

    static ProviderSettings azure(ProviderKind kind, ProviderConfig.Setting s, Map<String, String> env) {
        ProviderSettings.Credentials key = credentials(kind, env);
        String resource = first(s.resourceName(), variable(kind, SettingKey.RESOURCE_NAME, env));
        boolean hasUrl = s.baseUrl() != null || !blank(variable(kind, SettingKey.BASE_URL, env));
        if (!hasUrl && resource == null) {
            throw new ProviderSetupException(kind.variable(SettingKey.RESOURCE_NAME) + " or baseUrl is not set");
        }
        String url = hasUrl ? standardUrl(kind, s, env)
                : ProviderSettings.checkUrl("https://" + resource + ".openai.azure.com/openai", false);
        String version = first(first(s.apiVersion(), variable(kind, SettingKey.API_VERSION, env)),
                AZURE_DEFAULT_API_VERSION);
        return of(kind, key, url, s, new ProviderOptions.Azure(version,
                Boolean.TRUE.equals(s.useDeploymentBasedUrls())));
    }

    static ProviderSettings bedrock(ProviderKind kind, ProviderConfig.Setting s, Map<String, String> env) {
        ProviderSettings.Credentials keys = credentials(kind, env);
        String region = first(s.region(), variable(kind, SettingKey.REGION, env));
        if (region == null) {
            throw new ProviderSetupException(kind.variable(SettingKey.REGION) + " is not set");
        }
        if (!region.matches("[a-z0-9-]{1,40}")) {
            throw new ProviderSetupException("Invalid AWS region: " + region);
        }
        String url = ProviderSettings.baseUrl(null, env, kind.variable(SettingKey.BASE_URL),
                "https://bedrock-runtime." + region + ".amazonaws.com", false);
        return of(kind, keys, url, s, new ProviderOptions.Bedrock(region));
    }

    static ProviderSettings vertex(ProviderKind kind, ProviderConfig.Setting s, Map<String, String> env) {
        ProviderSettings.Credentials adc = credentials(kind, env);
        if (s.baseUrl() != null || !blank(variable(kind, SettingKey.BASE_URL, env))) {
            return of(kind, adc, standardUrl(kind, s, env), s, new ProviderOptions.Vertex(null, null));
        }
        String project = first(s.project(), variable(kind, SettingKey.PROJECT, env));
        if (project == null) {
            throw new ProviderSetupException(kind.variable(SettingKey.PROJECT) + " is not set");
        }
        String location = first(s.location(), variable(kind, SettingKey.LOCATION, env));
        if (location == null) {
            throw new ProviderSetupException(kind.variable(SettingKey.LOCATION) + " is not set");
        }
        if (!project.matches("[a-z0-9][a-z0-9:.-]{0,100}") || !location.matches("[a-z0-9-]{1,40}")) {
            throw new ProviderSetupException("Invalid Vertex project or location");
        }
        String host = location.equals("global") ? "aiplatform.googleapis.com"
                : location + "-aiplatform.googleapis.com";
        String url = "https://" + host + "/v1/projects/" + project + "/locations/" + location + "/publishers/google";
        return of(kind, adc, url, s, new ProviderOptions.Vertex(project, location));
    }

    /** Headers only where the provider reads them: Bedrock signs its requests and takes none. */
    private static ProviderSettings of(ProviderKind kind, ProviderSettings.Credentials credentials, String url,
                                       ProviderConfig.Setting s, ProviderOptions options) {
        Map<String, String> headers = kind.readsSetting(SettingKey.HEADERS) ? s.headers() : Map.of();
        return new ProviderSettings(kind, credentials, url, headers, s, options);
    }

    private static String standardUrl(ProviderKind kind, ProviderConfig.Setting s, Map<String, String> env) {
        String fromSetting = kind.readsSetting(SettingKey.BASE_URL) ? s.baseUrl() : null;
        return ProviderSettings.baseUrl(fromSetting, env, kind.variable(SettingKey.BASE_URL), kind.defaultBaseUrl(),
                kind.anyScheme());
    }

    private static ProviderSettings.Credentials credentials(ProviderKind kind, Map<String, String> env) {
        return switch (kind.auth()) {
            case API_KEY -> new ProviderSettings.Credentials.ApiKey(required(env, kind.keyVariables().getFirst()));
            case AWS_KEYS -> {
                String id = required(env, kind.keyVariables().get(0));
                String secret = required(env, kind.keyVariables().get(1));
                String token = env.get("AWS_SESSION_TOKEN");
                yield new ProviderSettings.Credentials.Aws(id, secret, blank(token) ? null : token);
            }
            case GOOGLE_ADC -> new ProviderSettings.Credentials.GoogleAdc(
                    applicationDefaultCredentials(kind.keyVariables().getFirst(), env));
            case NONE -> new ProviderSettings.Credentials.None();
        };
    }

    /** The ADC file: the key variable ({@code GOOGLE_APPLICATION_CREDENTIALS}), else gcloud's well-known file. */
    private static Path applicationDefaultCredentials(String variable, Map<String, String> env) {
        String explicit = env.get(variable);
        if (!blank(explicit)) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) {
                throw new ProviderSetupException(variable + " file not found: " + explicit);
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
        throw new ProviderSetupException(variable + " is not set");
    }

    /** The value of the variable standing in for {@code key}, {@code null} when the kind declares none. */
    private static String variable(ProviderKind kind, SettingKey key, Map<String, String> env) {
        String name = kind.variable(key);
        return name == null ? null : env.get(name);
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (blank(v)) {
            throw new ProviderSetupException(name + " is not set");
        }
        return v;
    }

    private static String first(String setting, String envValue) {
        return setting != null ? setting : blank(envValue) ? null : envValue;
    }

    static boolean blank(String v) {
        return v == null || v.isBlank();
    }
}
