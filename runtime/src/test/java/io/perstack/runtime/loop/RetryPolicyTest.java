package io.perstack.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void theDelayDoublesFromOneSecondUpToThirtySeconds() {
        assertThat(RetryPolicy.delay(1, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryPolicy.delay(2, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryPolicy.delay(5, null)).isEqualTo(Duration.ofSeconds(16));
        assertThat(RetryPolicy.delay(6, null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryPolicy.delay(1_000, null)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aRetryAfterWinsOverTheBackoffButIsCappedAtSixtySeconds() {
        assertThat(RetryPolicy.delay(5, Duration.ofMillis(1_500))).isEqualTo(Duration.ofMillis(1_500));
        assertThat(RetryPolicy.delay(1, Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void retriesAreAllowedUntilMaxRetriesWereSpent() {
        RetryPolicy policy = new RetryPolicy(2);
        assertThat(policy.allowsRetry(0)).isTrue();
        assertThat(policy.allowsRetry(1)).isTrue();
        assertThat(policy.allowsRetry(2)).isFalse();
        assertThat(new RetryPolicy(0).allowsRetry(0)).isFalse();
    }
}
