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
        try (Providers providers = new Providers()) {
            LlmClient first = providers.create(anthropic("key-one-1", "https://a.example/v1"), null);

            assertThat(providers.create(anthropic("key-one-1", "https://a.example/v1"), null)).isSameAs(first);
            assertThat(providers.create(anthropic("key-two-2", "https://a.example/v1"), null)).isNotSameAs(first);
            assertThat(providers.create(anthropic("key-one-1", "https://b.example/v1"), null)).isNotSameAs(first);
            assertThat(providers.create(anthropic("key-one-1", "https://a.example/v1"), "http://proxy.example:3128"))
                    .isNotSameAs(first);
            assertThat(first.providerName()).isEqualTo("anthropic");
        }
    }

    @Test
    void clientsAreOwnedByTheirProvidersAndForgottenWhenClosed() {
        ProviderSettings settings = anthropic("key-one-1", "https://a.example/v1");
        try (Providers one = new Providers(); Providers other = new Providers()) {
            LlmClient first = one.create(settings, null);
            assertThat(other.create(settings, null)).isNotSameAs(first);
            one.close();
            assertThat(one.create(settings, null)).isNotSameAs(first);
        }
    }
}
