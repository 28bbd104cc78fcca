package io.perstack.core.launch;

/** An environment request the policy refuses; the message is the exact user-facing text of docs/skills.md §4. */
public final class EnvironmentException extends RuntimeException {
    public EnvironmentException(String message) {
        super(message);
    }
}
