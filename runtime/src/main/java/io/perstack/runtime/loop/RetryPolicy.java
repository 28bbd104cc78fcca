package io.perstack.runtime.loop;

import java.time.Duration;

/**
 * When a failed generation may be tried again and how long to wait first (docs/runtime.md §7, §12): {@code maxRetries}
 * retries, then {@code min(30 s, 1 s × 2^(attempt−1))}, or the provider's {@code Retry-After} capped at 60 s.
 * Pure: the wait itself is {@link RunControl}'s, so cancelling cuts it short and tests need not sleep.
 */
public final class RetryPolicy {
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
    private static final long BASE_MS = 1_000;

    private final int maxRetries;

    public RetryPolicy(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    public int maxRetries() {
        return maxRetries;
    }

    /** Whether a run that already retried {@code retriesSoFar} times may retry once more. */
    public boolean allowsRetry(int retriesSoFar) {
        return retriesSoFar < maxRetries;
    }

    /**
     * The wait before retry number {@code attempt} (from 1).
     *
     * @param retryAfter the provider's {@code Retry-After}, or {@code null}; it wins over the exponential delay
     */
    public static Duration delay(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            return Duration.ofMillis(Math.min(MAX_RETRY_AFTER.toMillis(), retryAfter.toMillis()));
        }
        // The shift is bounded so a large attempt number cannot overflow before the cap applies.
        return Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), BASE_MS << Math.min(20, attempt - 1)));
    }
}
