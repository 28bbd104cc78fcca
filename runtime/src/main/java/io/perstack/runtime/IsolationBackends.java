package io.perstack.runtime;

import io.perstack.core.launch.ProcessLauncher;
import io.perstack.sandbox.local.LocalLauncher;

/** Which process launcher a run's {@code runtime} setting stands for (isolation.md §2). */
final class IsolationBackends {
    private IsolationBackends() {}

    /**
     * The launcher for {@code exec} and skill processes, or {@code null} when the backend is not built yet: then
     * nothing is launched at all rather than launched without the isolation the user asked for.
     */
    static ProcessLauncher launcherFor(String runtime) {
        return switch (runtime == null ? "" : runtime) {
            case "local" -> new LocalLauncher();
            default -> null;
        };
    }
}
