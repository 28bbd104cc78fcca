package io.perstack.skills;

/** Skills could not be assembled or started; the message is the exact user-facing text. */
public final class SkillStartException extends RuntimeException {
    public SkillStartException(String message) {
        super(message);
    }

    public SkillStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
