package io.perstack.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtectedVariablesTest {
    @ParameterizedTest
    @ValueSource(strings = {"PATH", "path", "Home", "SHELL", "NODE_PATH", "LD_PRELOAD", "Ld_Preload", "LD_LIBRARY_PATH",
            "LD_AUDIT", "ld_bind_now", "DYLD_INSERT_LIBRARIES", "DYLD_FRAMEWORK_PATH", "NODE_OPTIONS", "PYTHONPATH",
            "PERL5LIB", "RUBYLIB", "BASH_ENV", "ENV", "IFS", "CDPATH", "PYTHONHOME", "PYTHONSTARTUP",
            "JAVA_TOOL_OPTIONS", "jdk_java_options", "_JAVA_OPTIONS", "NODE_EXTRA_CA_CERTS", "HTTP_PROXY",
            "https_proxy", "NO_PROXY", "no_proxy", "PERSTACK_PROXY_URL", "NPM_CONFIG_PROXY", "npm_config_https_proxy"})
    void protectedNamesAreRecognisedInAnyCase(String name) {
        assertThat(ProtectedVariables.isProtected(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ISSUES_TOKEN", "GITHUB_TOKEN", "ANTHROPIC_API_KEY", "TERM", "LDAP_URL", "LD",
            "DYLD", "PATHS", "MY_PATH", "HOMEPAGE", "ENVIRONMENT", "JAVA_HOME", "NODE_ENV"})
    void otherNamesAreNotProtected(String name) {
        assertThat(ProtectedVariables.isProtected(name)).isFalse();
    }
}
