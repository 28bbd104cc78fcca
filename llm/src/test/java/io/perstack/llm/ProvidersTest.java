package io.perstack.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.config.ProviderConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvidersTest {
    private static ProviderSettings anthropic(String key, String url) {
        return ProviderSettings.resolve(new ProviderConfig("anthropic", null),
                Map.of("ANTHROPIC_API_KEY", key, "ANTHROPIC_BASE_URL", url));
    }

    @Test
    void clientsAreSharedPerCredentialsBaseUrlAndProxy() {
        LlmClient first = Providers.create(anthropic("key-one-1", "https://a.example/v1"), null);

        assertThat(Providers.create(anthropic("key-one-1", "https://a.example/v1"), null)).isSameAs(first);
        assertThat(Providers.create(anthropic("key-two-2", "https://a.example/v1"), null)).isNotSameAs(first);
        assertThat(Providers.create(anthropic("key-one-1", "https://b.example/v1"), null)).isNotSameAs(first);
        assertThat(Providers.create(anthropic("key-one-1", "https://a.example/v1"), "http://proxy.example:3128"))
                .isNotSameAs(first);
        assertThat(first.providerName()).isEqualTo("anthropic");
    }
}
