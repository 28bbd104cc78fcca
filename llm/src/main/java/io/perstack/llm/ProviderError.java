package io.perstack.llm;

import java.time.Duration;

/**
 * A failed generation, classified (docs/providers.md §6). {@code retryAfter} is the provider's {@code Retry-After} when
 * it sent one.
 */
public record ProviderError(String name, String message, Integer statusCode, boolean retryable,
                            Duration retryAfter) {}
