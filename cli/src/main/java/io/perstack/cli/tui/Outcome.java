package io.perstack.cli.tui;

/** How the coordinator's run ended, which decides what the view says about continuing. */
public sealed interface Outcome {

    record Completed() implements Outcome {}

    /** Stopped for a human answer to {@code toolName}; {@code question} is the call's arguments, shortened. */
    record WaitingForAnswer(String toolName, String question) implements Outcome {}

    record MaxStepsReached(int step) implements Outcome {}

    record Failed(String error) implements Outcome {}
}
