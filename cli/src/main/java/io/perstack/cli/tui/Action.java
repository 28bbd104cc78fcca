package io.perstack.cli.tui;

/** What the terminal UI must do after a key: nothing but redraw, run a job, or quit with an exit code. */
public sealed interface Action {
    record Redraw() implements Action {}

    record Run(String expertKey, String query, Resume resume) implements Action {}

    record Quit(int exitCode) implements Action {}
}
