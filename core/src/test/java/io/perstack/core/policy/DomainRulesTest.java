package io.perstack.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** allowedDomains rules of docs/configuration.md §6.5 (SR-24, SR-25, SR-27, SR-28). */
class DomainRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {"example.com", "api.example.com", "*.example.com", "*.cdn.example.com", "a-b.example.com",
            "API.Example.COM", "example.com.", "*.example.com.", "localhost", "x1.example"})
    void validEntriesHaveNoProblem(String entry) {
        assertThat(DomainRules.problemWithPattern(entry)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-example.com", "example-.com", "exa_mple.com", "example..com", "example.com..",
            "*example.com", "*.*.example.com", "api.*.example.com", "exämple.com", "https://example.com",
            "example.com/path", "example.com:443", "[::1]", "::1", " example.com", "example.com\n"})
    void malformedEntriesGetTheSyntaxMessage(String entry) {
        assertThat(DomainRules.problemWithPattern(entry)).contains(DomainRules.INVALID_PATTERN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"xn--80ak6aa92e.com", "api.XN--80ak6aa92e.com", "*.xn--p1ai.example"})
    void punycodeLabelsAreRefused(String entry) {
        assertThat(DomainRules.problemWithPattern(entry)).contains(DomainRules.PUNYCODE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4", "127.0.0.1.", "2130706433", "0177.0.0.1", "0x7f.1", "0x7f000001", "127.1",
            "10.1", "example.123", "*.10.0.0.1", "999.999.999.999"})
    void ipLiteralsInEveryClassicFormAreRefused(String entry) {
        assertThat(DomainRules.problemWithPattern(entry)).contains(DomainRules.IP_ADDRESS);
    }

    @Test
    void aWildcardNeedsTwoLabelsAfterIt() {
        assertThat(DomainRules.problemWithPattern("*.com")).contains(DomainRules.WILDCARD_TOO_BROAD);
        assertThat(DomainRules.problemWithPattern("*.co.uk")).isEmpty();
    }

    @Test
    void normalisationLowerCasesDropsOneTrailingDotDuplicatesAndEntriesCoveredByAWildcard() {
        assertThat(DomainRules.normaliseAll(List.of("API.Example.com.", "api.example.com", "*.CDN.example.com",
                "img.cdn.example.com", "a.b.cdn.example.com", "cdn.example.com")))
                .containsExactly("api.example.com", "*.cdn.example.com", "cdn.example.com");
    }

    @Test
    void aWildcardMatchesSubdomainsButNeverTheApex() {
        assertThat(DomainRules.matches("*.example.com", "api.example.com")).isTrue();
        assertThat(DomainRules.matches("*.example.com", "a.b.example.com")).isTrue();
        assertThat(DomainRules.matches("*.example.com", "API.Example.com.")).isTrue();
        assertThat(DomainRules.matches("*.example.com", "example.com")).isFalse();
        assertThat(DomainRules.matches("*.example.com", "badexample.com")).isFalse();
        assertThat(DomainRules.matches("*.example.com", "example.com.evil.net")).isFalse();
    }

    @Test
    void anExactEntryMatchesOnlyThatNameIgnoringCaseAndTrailingDot() {
        assertThat(DomainRules.matches("api.example.com", "API.example.com.")).isTrue();
        assertThat(DomainRules.matches("api.example.com", "x.api.example.com")).isFalse();
        assertThat(DomainRules.matches("example.com.", "example.com")).isTrue();
    }
}
