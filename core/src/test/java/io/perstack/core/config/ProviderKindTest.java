package io.perstack.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderKindTest {
    @Test
    void namesKeepTheOrderOfTheExpectedOneOfMessages() {
        assertThat(ProviderKind.names()).containsExactly("anthropic", "google", "openai", "ollama", "azure-openai",
                "amazon-bedrock", "google-vertex", "deepseek");
    }

    @Test
    void kindsAreFoundByTheirWireNameOnly() {
        assertThat(ProviderKind.byName("azure-openai")).contains(ProviderKind.AZURE_OPENAI);
        assertThat(ProviderKind.byName("AZURE_OPENAI")).isEmpty();
        assertThat(ProviderKind.byName(null)).isEmpty();
    }

    @Test
    void bedrockTakesItsEndpointFromTheEnvironmentOnly() {
        assertThat(ProviderKind.AMAZON_BEDROCK.readsSetting(ProviderKind.SettingKey.BASE_URL)).isFalse();
        assertThat(ProviderKind.AMAZON_BEDROCK.variable(ProviderKind.SettingKey.BASE_URL))
                .isEqualTo("AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
        assertThat(ProviderKind.OPENAI.readsSetting(ProviderKind.SettingKey.ORGANIZATION)).isTrue();
        assertThat(ProviderKind.ANTHROPIC.readsSetting(ProviderKind.SettingKey.ORGANIZATION)).isFalse();
    }
}
