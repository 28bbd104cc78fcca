package io.perstack.runtime;

import java.time.Duration;

/**
 * Something a person watching a run should hear about that is not an event of the stream (the stream stays as the
 * TypeScript Perstack prints it): for now, the wait before a generation is retried.
 */
public sealed interface RunNotice {
    String jobId();

    String runId();

    /**
     * A failed generation will be tried again after {@code delay}.
     *
     * @param attempt    the number of the retry about to happen, from 1
     * @param maxRetries the retries allowed ({@code maxRetries})
     * @param errorName  the provider error's name ({@code ConnectException}, {@code overloaded_error})
     * @param message    the provider's message, untrusted text
     * @param statusCode the HTTP status, {@code null} for a transport failure
     */
    record RetryScheduled(String jobId, String runId, String expertKey, int attempt, int maxRetries, Duration delay,
                          String errorName, String message, Integer statusCode) implements RunNotice {}
}
