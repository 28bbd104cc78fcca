package io.perstack.core.launch;

import java.io.IOException;

/**
 * Starts untrusted processes (MCP stdio skills, the base skill's {@code exec}) through one isolation backend
 * (docs/isolation.md §1). Implementations never inherit the runtime's environment: a {@link LaunchSpec} carries the
 * complete environment, and {@link LaunchedProcess#terminate()} ends the whole process tree.
 */
public interface ProcessLauncher {
    /** The backend name ({@code local}, {@code sandbox}, {@code docker}). */
    String name();

    /**
     * Starts the process.
     *
     * @throws CommandNotFoundException when the program cannot be found or is not executable
     * @throws IOException              when the process cannot be started for another reason
     */
    LaunchedProcess launch(LaunchSpec spec) throws IOException;
}
