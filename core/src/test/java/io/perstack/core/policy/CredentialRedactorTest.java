package io.perstack.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialRedactorTest {
    private final CredentialRedactor redactor = CredentialRedactor.of(Map.of("ISSUES_TOKEN", "tok-123456789",
            "DB_PASSWORD", "hunter2hunter2", "PATH", "/usr/bin:/bin", "SHORT_KEY", "abc"));

    @Test
    void secretNamedValuesAreReplacedWhereverTheyAppear() {
        assertThat(redactor.redact("using tok-123456789 and hunter2hunter2 on /usr/bin:/bin"))
                .isEqualTo("using [REDACTED] and [REDACTED] on /usr/bin:/bin");
        assertThat(redactor.redact("abc is too short to be a secret")).isEqualTo("abc is too short to be a secret");
    }

    @Test
    void headersUserInfoAndTokenShapesAreReplaced() {
        assertThat(redactor.redact("Authorization: Basic Zm9vOmJhcg==")).isEqualTo("Authorization: [REDACTED]");
        assertThat(redactor.redact("sent Bearer abc.def-ghi to x")).isEqualTo("sent Bearer [REDACTED] to x");
        assertThat(redactor.redact("cloning https://user:pa55@git.example.com/r.git"))
                .isEqualTo("cloning https://[REDACTED]@git.example.com/r.git");
        assertThat(redactor.redact("ghp_" + "a".repeat(36) + " glpat-" + "b".repeat(20) + " sk-ant-api03-"
                + "c".repeat(20) + " github_pat_" + "d".repeat(22)))
                .isEqualTo("[REDACTED] [REDACTED] [REDACTED] [REDACTED]");
        assertThat(redactor.redact("nothing secret here")).isEqualTo("nothing secret here");
    }
}
