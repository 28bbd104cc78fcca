package io.perstack.core.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentPolicyTest {
    private static final Map<String, String> HOST = Map.ofEntries(
            Map.entry("PATH", "/usr/bin:/bin"), Map.entry("HOME", "/home/u"), Map.entry("SHELL", "/bin/bash"),
            Map.entry("TERM", "xterm"), Map.entry("NODE_PATH", "/n"), Map.entry("HTTPS_PROXY", "http://p:1"),
            Map.entry("http_proxy", "http://p:2"), Map.entry("ANTHROPIC_API_KEY", "sk-secret"),
            Map.entry("GITHUB_TOKEN", "gh-secret"), Map.entry("EMPTY", ""), Map.entry("LD_PRELOAD", "/evil.so"),
            Map.entry("NO_PROXY", ""));

    @Test
    void safeListIsExactlyTheSpecifiedNamesWithoutNodePath() {
        assertThat(EnvironmentPolicy.SAFE_NAMES).containsExactly("PATH", "HOME", "SHELL", "TERM", "HTTP_PROXY",
                "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy", "PERSTACK_PROXY_URL",
                "NPM_CONFIG_PROXY", "NPM_CONFIG_HTTPS_PROXY");
    }

    @Test
    void commonEnvironmentCopiesOnlyNonEmptySafeValues() {
        Map<String, String> env = EnvironmentPolicy.local(HOST, List.of()).common();

        assertThat(env).containsOnlyKeys("PATH", "HOME", "SHELL", "TERM", "HTTPS_PROXY", "http_proxy");
    }

    @Test
    void isolatedBackendsNeverCopyHostProxiesAndMayOverrideProtectedNames() {
        EnvironmentPolicy policy = new EnvironmentPolicy(HOST, Map.of("PATH", "/sandbox/bin",
                "HTTPS_PROXY", "http://127.0.0.1:3128"), List.of(), false);

        assertThat(policy.common()).containsEntry("PATH", "/sandbox/bin")
                .containsEntry("HTTPS_PROXY", "http://127.0.0.1:3128").doesNotContainKey("http_proxy")
                .containsEntry("HOME", "/home/u");
    }

    @Test
    void protectedNamesAreRecognisedInAnyLetterCase() {
        assertThat(List.of("path", "Ld_Preload", "JAVA_TOOL_OPTIONS", "ld_anything", "Dyld_x", "bash_env", "ifs",
                "https_proxy", "Node_Path", "_JAVA_OPTIONS")).allMatch(EnvironmentPolicy::isProtected);
        assertThat(List.of("TERM", "GITHUB_TOKEN", "LANG", "XLD_PRELOAD")).noneMatch(EnvironmentPolicy::isProtected);
    }

    @Test
    void requiredEnvReachesOnlyTheSkillThatAskedForIt() {
        EnvironmentPolicy policy = EnvironmentPolicy.local(HOST, List.of());

        assertThat(policy.forSkill("gh", List.of("GITHUB_TOKEN"))).containsEntry("GITHUB_TOKEN", "gh-secret")
                .doesNotContainKey("ANTHROPIC_API_KEY");
        assertThat(policy.forSkill("other", List.of())).doesNotContainKey("GITHUB_TOKEN");
        assertThat(policy.forExec(Map.of()).environment()).doesNotContainKey("GITHUB_TOKEN");
    }

    @Test
    void protectedRequiredEnvIsAConfigurationErrorInAnyCase() {
        EnvironmentPolicy policy = EnvironmentPolicy.local(HOST, List.of());

        assertThatThrownBy(() -> policy.forSkill("s", List.of("Ld_Preload")))
                .hasMessage("Skill s may not request protected variable Ld_Preload");
        assertThatThrownBy(() -> policy.forSkill("s", List.of("path")))
                .hasMessage("Skill s may not request protected variable path");
    }

    @Test
    void missingRequiredEnvStopsTheSkill() {
        EnvironmentPolicy policy = EnvironmentPolicy.local(HOST, List.of());

        assertThatThrownBy(() -> policy.forSkill("s", List.of("EMPTY")))
                .hasMessage("Skill s requires environment variable EMPTY");
        assertThatThrownBy(() -> policy.forSkill("s", List.of("NOPE")))
                .hasMessage("Skill s requires environment variable NOPE");
    }

    @Test
    void passThroughNamesReachEveryProcessButNeverProtectedOnes() {
        EnvironmentPolicy policy = EnvironmentPolicy.local(HOST, List.of("GITHUB_TOKEN"));

        assertThat(policy.forExec(Map.of()).environment()).containsEntry("GITHUB_TOKEN", "gh-secret");
        assertThat(policy.forSkill("x", List.of())).containsEntry("GITHUB_TOKEN", "gh-secret");
        assertThatThrownBy(() -> EnvironmentPolicy.local(HOST, List.of("JAVA_TOOL_OPTIONS")))
                .hasMessage("Environment variable JAVA_TOOL_OPTIONS is protected and cannot be passed with --env");
        assertThatThrownBy(() -> EnvironmentPolicy.local(HOST, List.of("MISSING")))
                .hasMessage("Environment variable MISSING is not set");
    }

    @Test
    void execInputDropsProtectedNamesAndKeepsTheRest() {
        EnvironmentPolicy.ExecEnvironment exec = EnvironmentPolicy.local(HOST, List.of())
                .forExec(Map.of("path", "/tmp/evil", "Ld_Preload", "/x.so", "JAVA_TOOL_OPTIONS", "-X", "FOO", "1"));

        assertThat(exec.environment()).containsEntry("FOO", "1").containsEntry("PATH", "/usr/bin:/bin")
                .doesNotContainKeys("path", "Ld_Preload", "JAVA_TOOL_OPTIONS", "LD_PRELOAD", "NODE_PATH");
        assertThat(exec.dropped()).containsExactly("JAVA_TOOL_OPTIONS", "Ld_Preload", "path");
    }

    @Test
    void specToStringNeverShowsEnvironmentValues() {
        LaunchSpec spec = new LaunchSpec(List.of("echo"), Path.of("/"), Map.of("TOKEN", "canary-123"),
                Duration.ofSeconds(1), null);

        assertThat(spec.toString()).contains("TOKEN").doesNotContain("canary-123");
        assertThat(EnvironmentPolicy.local(HOST, List.of()).toString()).doesNotContain("secret");
    }

    @Test
    void specCapsTheTimeoutAtOneHour() {
        LaunchSpec spec = new LaunchSpec(List.of("x"), Path.of("/"), Map.of(), Duration.ofHours(5), null);

        assertThat(spec.timeout()).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> new LaunchSpec(List.of("x\0y"), Path.of("/"), Map.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exitValuesAboveOneHundredTwentyEightNameTheSignal() {
        assertThat(ExitStatus.fromExitValue(137, false).signal()).isEqualTo("SIGKILL");
        assertThat(ExitStatus.fromExitValue(143, false).signal()).isEqualTo("SIGTERM");
        assertThat(ExitStatus.fromExitValue(1, false).signal()).isNull();
        assertThat(ExitStatus.fromExitValue(0, false).success()).isTrue();
    }
}
