package io.perstack.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {
    @ParameterizedTest
    @ValueSource(strings = {"name", "name@1.2.3", "name@latest", "@org/name", "@org/name@1.2.3-rc.1+b.7",
            "@org/name@beta", "a.b_c-d", "0x"})
    void documentedExpertKeyFormsAreAccepted(String key) {
        assertThat(Identifiers.isExpertKey(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Name", "name@", "@org", "@org/", "org/name", "-name", "name@01.2.3x@y", "na me",
            "name\n", "@Org/name"})
    void malformedExpertKeysAreRefused(String key) {
        assertThat(Identifiers.isExpertKey(key)).isFalse();
    }

    @Test
    void expertKeyLengthLimitIs511() {
        assertThat(Identifiers.isExpertKey("a".repeat(511))).isTrue();
        assertThat(Identifiers.isExpertKey("a".repeat(512))).isFalse();
    }

    @Test
    void expertNamesHaveNoVersionDotsAndAtMost255Characters() {
        assertThat(Identifiers.isExpertName("@org/my_name-2")).isTrue();
        assertThat(Identifiers.isExpertName("my.name")).isFalse();
        assertThat(Identifiers.isExpertName("name@1.0.0")).isFalse();
        assertThat(Identifiers.isExpertName("a".repeat(255))).isTrue();
        assertThat(Identifiers.isExpertName("a".repeat(256))).isFalse();
    }

    @Test
    void versionsAreStrictSemver() {
        assertThat(Identifiers.isVersion("0.0.0")).isTrue();
        assertThat(Identifiers.isVersion("10.20.30-alpha.1+build.9")).isTrue();
        assertThat(Identifiers.isVersion("1.0")).isFalse();
        assertThat(Identifiers.isVersion("01.0.0")).isFalse();
        assertThat(Identifiers.isVersion("v1.0.0")).isFalse();
        assertThat(Identifiers.isVersion("1.0.0\n")).isFalse();
    }

    @Test
    void tagsOrganisationsAndEnvNamesFollowTheirRules() {
        assertThat(Identifiers.isTag("release-tools_2")).isTrue();
        assertThat(Identifiers.isTag("_x")).isFalse();
        assertThat(Identifiers.isTag("a".repeat(256))).isFalse();
        assertThat(Identifiers.isOrganizationName("acme.labs")).isTrue();
        assertThat(Identifiers.isOrganizationName("a".repeat(129))).isFalse();
        assertThat(Identifiers.isOrganizationName("Acme")).isFalse();
        assertThat(Identifiers.isEnvName("GITHUB_TOKEN")).isTrue();
        assertThat(Identifiers.isEnvName("2FA-code")).isTrue();
        assertThat(Identifiers.isEnvName("_PRIVATE")).isFalse();
        assertThat(Identifiers.isEnvName("A".repeat(256))).isFalse();
    }
}
