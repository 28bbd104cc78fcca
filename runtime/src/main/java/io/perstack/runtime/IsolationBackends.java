package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.RuntimeKind;
import io.perstack.core.event.EventPayload;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.sandbox.bwrap.Sandbox;
import io.perstack.sandbox.bwrap.SandboxSettings;
import io.perstack.sandbox.egress.JobAllowlist;
import io.perstack.sandbox.local.LocalLauncher;
import io.perstack.skills.packages.SkillPackages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Which isolation backend a run's {@code runtime} setting stands for (docs/isolation.md §2), prepared for one job. */
final class IsolationBackends {
    private IsolationBackends() {}

    /**
     * The isolation of one job: launchers for {@code exec} and for each skill's process, the root the model sees,
     * and how launched processes get their environment. Closing it releases the backend's per-job resources
     * (docs/isolation.md §8).
     */
    sealed interface JobIsolation extends AutoCloseable {
        /**
         * The launcher for one process name ({@code exec}, or a skill's name); {@code null} when the backend is
         * not built: then nothing is launched at all rather than launched without the isolation asked for.
         */
        ProcessLauncher launcher(String processName);

        /** The workspace root as the model sees it. */
        String visibleRoot();

        EnvironmentPolicy environment(Map<String, String> source, List<String> passThrough);

        /**
         * Entries the backend keeps read-only for its processes; the in-process file tools refuse to change them so
         * that the model cannot do through a file tool what the sandbox denies to {@code exec}.
         */
        default List<Path> readOnlyPaths() {
            return List.of();
        }

        /** How stdio skills run their packages: from the package cache inside sandboxes, as configured elsewhere. */
        default SkillPackages packages() {
            return SkillPackages.NONE;
        }

        /** Stops every launched process still running, so a cancelled run does not wait for them. */
        default void terminateRunning() {
        }

        @Override
        void close();
    }

    record Local(Path workspace) implements JobIsolation {
        @Override
        public ProcessLauncher launcher(String processName) {
            return new LocalLauncher();
        }

        @Override
        public String visibleRoot() {
            return workspace.toString();
        }

        @Override
        public EnvironmentPolicy environment(Map<String, String> source, List<String> passThrough) {
            return EnvironmentPolicy.local(source, passThrough);
        }

        @Override
        public void close() {
        }
    }

    record Bubblewrap(Sandbox sandbox, SkillPackages packages) implements JobIsolation {
        @Override
        public ProcessLauncher launcher(String processName) {
            return sandbox.launcher(processName);
        }

        @Override
        public String visibleRoot() {
            return Sandbox.VISIBLE_ROOT;
        }

        @Override
        public EnvironmentPolicy environment(Map<String, String> source, List<String> passThrough) {
            return Sandbox.environment(source, passThrough);
        }

        @Override
        public List<Path> readOnlyPaths() {
            return sandbox.readOnlyPaths();
        }

        @Override
        public void terminateRunning() {
            sandbox.terminateRunning();
        }

        @Override
        public void close() {
            sandbox.close();
        }
    }

    /** A backend that is not built yet: no launcher, so {@code exec} and stdio skills refuse to run. */
    record Unavailable(Path workspace) implements JobIsolation {
        @Override
        public ProcessLauncher launcher(String processName) {
            return null;
        }

        @Override
        public String visibleRoot() {
            return "/workspace";
        }

        @Override
        public EnvironmentPolicy environment(Map<String, String> source, List<String> passThrough) {
            return EnvironmentPolicy.local(source, passThrough);
        }

        @Override
        public void close() {
        }
    }

    /**
     * Prepares the backend of a job.
     *
     * @param workspace the workspace on the host
     * @param history   folders masked inside sandboxes (the workspace's {@code perstack/} and the storage root)
     * @param envFiles  env files loaded for the invocation, masked inside sandboxes
     * @param startupFiles files a later run reads at its start, read-only (or absent) in every sandbox
     * @param requireLimits refuse to start a sandbox whose resource limits cannot all be enforced
     * @param events    receives the backend's runtime events ({@code proxyAccess})
     * @param packages  how sandboxed skills run their packages from the cache
     */
    static JobIsolation open(RunSetting setting, Path workspace, List<Path> history, List<Path> envFiles,
                             List<Path> startupFiles, boolean requireLimits,
                             Consumer<EventPayload.Runtime> events, SkillPackages packages) {
        return open(setting.job().runtime(), setting.run().jobId(), setting.run().expertKey(), setting.job().experts(),
                setting.job().env(), workspace, history, envFiles, startupFiles, requireLimits, events, packages);
    }

    /** The same for callers without a run setting ({@code perstack install} collecting tools). */
    static JobIsolation open(String runtime, String jobId, String expertKey, Map<String, ExpertConfig> experts,
                             Map<String, String> env, Path workspace, List<Path> history, List<Path> envFiles,
                             List<Path> startupFiles, boolean requireLimits,
                             Consumer<EventPayload.Runtime> events, SkillPackages packages) {
        return switch (RuntimeKind.fromWire(runtime).orElse(null)) {
            case LOCAL -> new Local(workspace);
            case SANDBOX -> {
                List<Path> masked = new ArrayList<>(history);
                masked.add(workspace.resolve("perstack"));
                yield new Bubblewrap(Sandbox.prepare(new SandboxSettings(jobId, workspace, masked,
                        envFiles, JobAllowlist.of(expertKey, experts), null, null,
                        events::accept, null, env.getOrDefault("PATH", System.getenv("PATH")), startupFiles,
                        requireLimits)), packages);
            }
            case null, default -> new Unavailable(workspace);
        };
    }
}
