package io.perstack.sandbox.bwrap;

/** The sandbox backend cannot run on this machine; the message is the user-facing text of docs/isolation.md §2. */
public final class SandboxUnavailable extends RuntimeException {
    public SandboxUnavailable(String message) {
        super(message, null, false, false);
    }
}
