package io.perstack.llm;

/** A provider cannot be configured; the message is the exact user-facing text. */
public final class ProviderSetupException extends RuntimeException {
    public ProviderSetupException(String message) {
        super(message);
    }
}
