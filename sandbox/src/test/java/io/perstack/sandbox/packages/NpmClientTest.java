package io.perstack.sandbox.packages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NpmClientTest {
    @Test
    void theHostNpmGetsItsOwnSettingsButNoProviderKeyAndScriptsStayOff() {
        Map<String, String> env = NpmClient.environment(Map.of("PATH", "/usr/bin", "HOME", "/home/u",
                "ANTHROPIC_API_KEY", "canary-key", "GITHUB_TOKEN", "canary-token", "npm_config_registry",
                "https://registry.example", "NPM_CONFIG_IGNORE_SCRIPTS", "false", "NODE_EXTRA_CA_CERTS", "/ca.pem"));

        assertThat(env).containsEntry("npm_config_registry", "https://registry.example")
                .containsEntry("NODE_EXTRA_CA_CERTS", "/ca.pem").containsEntry("npm_config_ignore_scripts", "true")
                .doesNotContainKeys("ANTHROPIC_API_KEY", "GITHUB_TOKEN", "NPM_CONFIG_IGNORE_SCRIPTS");
        assertThat(env.values()).doesNotContain("canary-key", "canary-token");
    }
}
