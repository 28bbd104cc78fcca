package io.perstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.model.RunError;
import io.perstack.runtime.RunNotice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.perstack.core.config.ProviderKind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunNarrationTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final RunNarration narration = new RunNarration(new RunNarration.Context("my expert", ProviderKind.OPENAI,
            "api.openai.com:443", List.of("--config", "examples/hello/perstack.toml")),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void aRetryNoticeBecomesOneLineWithTheWaitTheAttemptAndTheEndpoint() {
        narration.onNotice(new RunNotice.RetryScheduled("j", "r", "e", 2, 5, Duration.ofMillis(1500),
                "ConnectException", "Connection refused", null));

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "Retrying in 1.5 s (attempt 2/5): Connection refused (ConnectException) to api.openai.com:443"
                        + System.lineSeparator());
    }

    @Test
    void providerTextCannotBreakTheLineOrReachTheTerminalAsControls() {
        String line = RunNarration.retryLine(new RunNotice.RetryScheduled("j", "r", "e", 1, 5, Duration.ofSeconds(1),
                "x", "busy\n\u001b[2JFAKE", 503), null);

        assertThat(line).doesNotContain("\n").doesNotContain("\u001b").startsWith("Retrying in 1 s (attempt 1/5): busy");
    }

    @Test
    void refusedCredentialsNameTheProvidersKeyVariable() {
        assertThat(narration.errorLine(new RunError("authentication_error", "invalid x-api-key", 401, false)))
                .isEqualTo("The provider openai at api.openai.com:443 refused the credentials: invalid x-api-key "
                        + "(HTTP 401). Check OPENAI_API_KEY.");
    }

    @Test
    void aBudgetStopSaysWhichSettingRaisesIt() {
        assertThat(narration.errorLine(new RunError("BudgetExceeded",
                "Estimated job cost $0.0100 reached the budget of $0.01", null, false)))
                .startsWith("Stopped: Estimated job cost $0.0100 reached the budget of $0.01. Raise --max-cost-usd");
    }

    @Test
    void theContinueCommandQuotesWhatTheShellWouldSplitAndRepeatsTheConfigFlag() {
        assertThat(narration.interrupted("job1")).containsExactly("Interrupted; the job's last checkpoint is kept. "
                + "Continue with: perstack run 'my expert' \"<next query>\" --continue-job job1 --config "
                + "examples/hello/perstack.toml");
        assertThat(RunNarration.quote("it's")).isEqualTo("'it'\\''s'");
    }

    @Test
    void theEndpointIsHostAndPortWithTheSchemesDefault() {
        assertThat(RunNarration.endpoint("https://api.anthropic.com/v1")).isEqualTo("api.anthropic.com:443");
        assertThat(RunNarration.endpoint("http://localhost/v1")).isEqualTo("localhost:80");
        assertThat(RunNarration.endpoint(null)).isNull();
        assertThat(RunNarration.endpoint("not a url")).isNull();
    }
}
