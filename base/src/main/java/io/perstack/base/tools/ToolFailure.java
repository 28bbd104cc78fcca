package io.perstack.base.tools;

/** A tool failed; the message is the exact text of docs/base-skill.md returned to the model, never thrown further. */
public final class ToolFailure extends Exception {
    public ToolFailure(String message) {
        super(message, null, false, false);
    }
}
