package io.perstack.cli;

/**
 * A failure the user caused or can fix; printed as its message alone (unsafe characters escaped by
 * {@link Main#printError}), exit code 1, never a stack trace.
 */
final class UserError extends RuntimeException {
    UserError(String message) {
        super(message, null, false, false);
    }
}
