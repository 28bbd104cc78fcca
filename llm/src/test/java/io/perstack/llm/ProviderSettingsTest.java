package io.perstack.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ProviderKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** docs/providers.md §2: which variables each provider needs, what the messages say, and the base-URL rule. */
class ProviderSettingsTest {
    @TempDir
    Path dir;

    private static ProviderSettings resolve(String provider, Map<String, String> env) {
        return ProviderSettings.resolve(new ProviderConfig(provider, ProviderConfig.Setting.EMPTY), env);
    }

    private static ProviderSettings resolve(String provider, ProviderConfig.Setting setting,
                                            Map<String, String> env) {
        return ProviderSettings.resolve(new ProviderConfig(provider, setting), env);
    }

    private static ProviderConfig.Setting setting(String baseUrl, String organization, String project,
                                                  String resourceName, String apiVersion, Boolean deployments,
                                                  String region, String location) {
        return new ProviderConfig.Setting(baseUrl, Map.of(), organization, project, null, resourceName, apiVersion,
                deployments, region, location);
    }

    @ParameterizedTest(name = "{0} needs {1}")
    @CsvSource({
            "anthropic, ANTHROPIC_API_KEY",
            "openai, OPENAI_API_KEY",
            "deepseek, DEEPSEEK_API_KEY",
            "google, GOOGLE_GENERATIVE_AI_API_KEY",
            "azure-openai, AZURE_API_KEY",
            "amazon-bedrock, AWS_ACCESS_KEY_ID"})
    void aMissingCredentialNamesItsVariable(String provider, String variable) {
        assertThatThrownBy(() -> resolve(provider, Map.of())).isInstanceOf(ProviderSetupException.class)
                .hasMessage(variable + " is not set");
    }

    /** Every declared kind resolves through its declaration: the first key variable is the first thing checked. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderKind.class)
    void everyKindChecksItsDeclaredCredentialFirst(ProviderKind kind) {
        if (kind.keyVariables().isEmpty()) {
            assertThat(resolve(kind.wireName(), Map.of()).baseUrl()).isEqualTo(kind.defaultBaseUrl());
        } else {
            assertThatThrownBy(() -> resolve(kind.wireName(), Map.of("HOME", dir.toString())))
                    .isInstanceOf(ProviderSetupException.class)
                    .hasMessage(kind.keyVariables().getFirst() + " is not set");
        }
    }

    @Test
    void bedrockNeedsTheSecretAndARegion() {
        assertThatThrownBy(() -> resolve("amazon-bedrock", Map.of("AWS_ACCESS_KEY_ID", "id")))
                .hasMessage("AWS_SECRET_ACCESS_KEY is not set");
        assertThatThrownBy(() -> resolve("amazon-bedrock", Map.of("AWS_ACCESS_KEY_ID", "id",
                "AWS_SECRET_ACCESS_KEY", "s"))).hasMessage("AWS_REGION is not set");
    }

    @Test
    void bedrockRegionFromTheSettingBeatsTheEnvironmentAndChoosesTheEndpoint() {
        ProviderSettings s = resolve("amazon-bedrock", setting(null, null, null, null, null, null, "eu-west-3", null),
                Map.of("AWS_ACCESS_KEY_ID", "id", "AWS_SECRET_ACCESS_KEY", "s", "AWS_REGION", "us-east-1",
                        "AWS_SESSION_TOKEN", "tok"));
        assertThat(s.options()).isEqualTo(new ProviderOptions.Bedrock("eu-west-3"));
        assertThat(s.baseUrl()).isEqualTo("https://bedrock-runtime.eu-west-3.amazonaws.com");
        assertThat(s.credentials()).isEqualTo(new ProviderSettings.Credentials.Aws("id", "s", "tok"));
        assertThat(s.secretValues()).containsExactlyInAnyOrder("id", "s", "tok");
        assertThat(s.toString()).doesNotContain("tok").doesNotContain("\"s\"");
    }

    @Test
    void azureNeedsAResourceOrABaseUrlAndBuildsTheResourceUrl() {
        assertThatThrownBy(() -> resolve("azure-openai", Map.of("AZURE_API_KEY", "k")))
                .hasMessage("AZURE_RESOURCE_NAME or baseUrl is not set");
        ProviderSettings s = resolve("azure-openai", Map.of("AZURE_API_KEY", "k", "AZURE_RESOURCE_NAME", "contoso",
                "AZURE_API_VERSION", "2025-04-01-preview"));
        assertThat(s.baseUrl()).isEqualTo("https://contoso.openai.azure.com/openai");
        assertThat(s.options()).isEqualTo(new ProviderOptions.Azure("2025-04-01-preview", false));
        ProviderSettings fromSetting = resolve("azure-openai",
                setting(null, null, null, "fabrikam", "2024-10-21", true, null, null),
                Map.of("AZURE_API_KEY", "k", "AZURE_RESOURCE_NAME", "contoso"));
        assertThat(fromSetting.baseUrl()).isEqualTo("https://fabrikam.openai.azure.com/openai");
        assertThat(fromSetting.options()).isEqualTo(new ProviderOptions.Azure("2024-10-21", true));
    }

    @Test
    void openAiOrganizationAndProjectComeFromSettingOverEnvironment() {
        ProviderSettings s = resolve("openai", setting(null, "org-setting", null, null, null, null, null, null),
                Map.of("OPENAI_API_KEY", "k", "OPENAI_ORGANIZATION", "org-env", "OPENAI_PROJECT", "proj-env"));
        assertThat(s.options()).isEqualTo(new ProviderOptions.OpenAi("org-setting", "proj-env"));
        assertThat(s.baseUrl()).isEqualTo("https://api.openai.com/v1");
    }

    @ParameterizedTest(name = "{1} must be https")
    @CsvSource({
            "anthropic, ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY",
            "openai, OPENAI_BASE_URL, OPENAI_API_KEY",
            "deepseek, DEEPSEEK_BASE_URL, DEEPSEEK_API_KEY",
            "google, GOOGLE_GENERATIVE_AI_BASE_URL, GOOGLE_GENERATIVE_AI_API_KEY",
            "azure-openai, AZURE_BASE_URL, AZURE_API_KEY"})
    void baseUrlsMustBeHttpsExceptToLoopback(String provider, String urlVariable, String keyVariable) {
        assertThatThrownBy(() -> resolve(provider, Map.of(keyVariable, "k", urlVariable, "http://example.com/v1")))
                .hasMessage(urlVariable + ": URL must use HTTPS");
        assertThat(resolve(provider, Map.of(keyVariable, "k", urlVariable, "http://127.0.0.1:9/v1/")).baseUrl())
                .isEqualTo("http://127.0.0.1:9/v1");
        assertThat(resolve(provider, Map.of(keyVariable, "k", urlVariable, "https://proxy.example/v1")).baseUrl())
                .isEqualTo("https://proxy.example/v1");
    }

    @Test
    void bedrockEndpointOverrideFollowsTheSameRule() {
        Map<String, String> env = new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", "id", "AWS_SECRET_ACCESS_KEY", "s",
                "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://bedrock.example"));
        assertThatThrownBy(() -> resolve("amazon-bedrock", env))
                .hasMessage("AWS_ENDPOINT_URL_BEDROCK_RUNTIME: URL must use HTTPS");
    }

    @Test
    void ollamaNeedsNothingAndAcceptsPlainHttpAnywhere() {
        assertThat(resolve("ollama", Map.of()).baseUrl()).isEqualTo("http://localhost:11434");
        assertThat(resolve("ollama", Map.of("OLLAMA_BASE_URL", "http://gpu-box.lan:11434")).baseUrl())
                .isEqualTo("http://gpu-box.lan:11434");
        assertThat(resolve("ollama", Map.of()).secretValues()).isEmpty();
    }

    @Test
    void vertexNeedsApplicationDefaultCredentialsThenProjectAndLocation() throws Exception {
        assertThatThrownBy(() -> resolve("google-vertex", Map.of("HOME", dir.toString())))
                .hasMessage("GOOGLE_APPLICATION_CREDENTIALS is not set");
        Path adc = Files.writeString(dir.resolve("adc.json"), "{\"type\":\"authorized_user\"}");
        Map<String, String> env = new HashMap<>(Map.of("GOOGLE_APPLICATION_CREDENTIALS", adc.toString()));
        assertThatThrownBy(() -> resolve("google-vertex", env)).hasMessage("GOOGLE_VERTEX_PROJECT is not set");
        env.put("GOOGLE_VERTEX_PROJECT", "my-proj");
        assertThatThrownBy(() -> resolve("google-vertex", env)).hasMessage("GOOGLE_VERTEX_LOCATION is not set");
        env.put("GOOGLE_VERTEX_LOCATION", "europe-west4");
        assertThat(resolve("google-vertex", env).baseUrl()).isEqualTo(
                "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west4"
                        + "/publishers/google");
        assertThat(resolve("google-vertex", setting(null, null, "other", null, null, null, null, "global"), env)
                .baseUrl()).isEqualTo(
                "https://aiplatform.googleapis.com/v1/projects/other/locations/global/publishers/google");
    }

    @Test
    void vertexFindsGcloudsWellKnownCredentialsFile() throws Exception {
        Path gcloud = Files.createDirectories(dir.resolve(".config/gcloud"));
        Files.writeString(gcloud.resolve("application_default_credentials.json"), "{}");
        ProviderSettings s = resolve("google-vertex", Map.of("HOME", dir.toString(), "GOOGLE_VERTEX_PROJECT", "p",
                "GOOGLE_VERTEX_LOCATION", "us-central1"));
        assertThat(s.credentials()).isEqualTo(new ProviderSettings.Credentials.GoogleAdc(
                gcloud.resolve("application_default_credentials.json")));
    }

    @Test
    void anUnknownProviderIsNotInstalled() {
        assertThatThrownBy(() -> resolve("mistral", Map.of())).hasMessage("Provider \"mistral\" is not installed.");
    }
}
