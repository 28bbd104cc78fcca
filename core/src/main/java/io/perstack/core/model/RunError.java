package io.perstack.core.model;

/** Why a run stopped with an error; {@code statusCode} is the provider's HTTP status when there was one. */
public record RunError(String name, String message, Integer statusCode, boolean isRetryable) {
    public static RunError of(String name, String message) {
        return new RunError(name, message, null, false);
    }
}
