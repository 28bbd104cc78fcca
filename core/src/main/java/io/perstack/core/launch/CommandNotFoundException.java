package io.perstack.core.launch;

import java.io.IOException;

/** The program of a {@link LaunchSpec} does not exist on the backend's {@code PATH} or is not executable. */
public final class CommandNotFoundException extends IOException {
    private final String command;

    public CommandNotFoundException(String command) {
        super("Command not found: " + command);
        this.command = command;
    }

    public String command() {
        return command;
    }
}
