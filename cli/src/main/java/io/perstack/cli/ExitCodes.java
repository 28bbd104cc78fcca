package io.perstack.cli;

/** Exit codes of docs/cli.md §1. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int SIGINT = 130;
    static final int SIGTERM = 143;

    private ExitCodes() {}
}
