package io.perstack.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSettingTest {
    @Test
    void headerValuesNeverAppearInTheTextForm() {
        ProviderConfig.Setting setting = new ProviderConfig.Setting("https://gw.example.com", Map.of(
                "Authorization", "Bearer sk-secret", "X-Team", "agents"), null, null, null, null, null, null, null,
                null);

        assertThat(new ProviderConfig("anthropic", setting).toString())
                .contains("Authorization", "X-Team", "https://gw.example.com")
                .doesNotContain("sk-secret")
                .doesNotContain("agents");
    }
}
