package io.perstack.base.fs;

/** A path refused by the rules of docs/base-skill.md §2.2; the message is the exact text the model receives. */
public final class AccessDenied extends Exception {
    public AccessDenied(String message) {
        super(message, null, false, false);
    }
}
