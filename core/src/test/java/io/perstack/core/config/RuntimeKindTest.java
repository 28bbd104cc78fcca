package io.perstack.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one list of runtime names, and the texts derived from it that users and older configurations rely on. */
class RuntimeKindTest {
    @Test
    void wireNamesKeepTheOrderAndSpellingOfTheTypeScriptSchema() {
        assertThat(RuntimeKind.wireNames())
                .containsExactly("local", "sandbox", "docker", "cursor", "claude-code", "gemini");
        assertThat(ConfigBinder.RUNTIMES).isEqualTo(RuntimeKind.wireNames());
    }

    @Test
    void textsOfferTheDefaultFirstAndNoIsolationLast() {
        assertThat(RuntimeKind.offered()).isEqualTo("sandbox, docker, local");
        assertThat(RuntimeKind.names(RuntimeKind.Availability.AVAILABLE)).isEqualTo("local, sandbox");
        assertThat(RuntimeKind.names(RuntimeKind.Availability.NOT_BUILT)).isEqualTo("docker");
    }

    @Test
    void namesResolveExactly() {
        assertThat(RuntimeKind.fromWire("claude-code")).contains(RuntimeKind.CLAUDE_CODE);
        assertThat(RuntimeKind.fromWire("Local")).isEmpty();
        assertThat(RuntimeKind.fromWire(null)).isEmpty();
        assertThat(RuntimeKind.LOCAL.is("local")).isTrue();
    }
}
