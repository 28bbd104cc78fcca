package io.perstack.runtime;

import io.perstack.core.event.EventPayload;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.skills.base.BaseSkillHost;
import io.perstack.skills.mcp.McpLimits;
import io.perstack.skills.mcp.McpServer;
import io.perstack.skills.mcp.McpSetup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one job holds open for all its runs (docs/runtime.md §3): the isolation backend, the in-process base skill and
 * how MCP skills are launched. Every run segment starts its own skills from these; closing ends the job's sandbox.
 */
final class JobResources implements AutoCloseable {
    private final IsolationBackends.JobIsolation isolation;
    private final BaseSkillHost baseSkill;
    private final McpSetup mcp;

    /** {@code backendEvents} receives the backend's runtime events ({@code proxyAccess}), on its own threads. */
    JobResources(RunSetting setting, RunOptions options, Consumer<EventPayload.Runtime> backendEvents) {
        JobSettings job = setting.job();
        Path workspace = job.workspace().toAbsolutePath().normalize();
        List<Path> denied = new ArrayList<>();
        if (options.storageRoot() != null) {
            denied.add(options.storageRoot().toAbsolutePath().normalize());
        }
        List<Path> startup = new ArrayList<>(options.startupFiles());
        for (String name : List.of("perstack.toml", "perstack.lock", ".env", ".env.local")) {
            startup.add(workspace.resolve(name));
        }
        // What a later run executes from the package cache must be out of reach of this job's sandboxes and tools.
        SkillPackageCache packageCache = SkillPackageCache.forRuntime(job.runtime(), workspace);
        denied.addAll(packageCache.protect());
        startup.addAll(packageCache.protect());
        this.isolation = IsolationBackends.open(setting, workspace, denied, options.maskedEnvFiles(), startup,
                options.requireLimits(), backendEvents,
                packageCache.packages(options.lockedPackages(), System.err::println));
        options.control().onCancel(isolation::terminateRunning);
        EnvironmentPolicy environment = isolation.environment(job.env(), job.extraEnvNames());
        try {
            this.baseSkill = BaseSkillHost.open(workspace, isolation.visibleRoot(), denied,
                    options.maskedEnvFiles(), isolation.readOnlyPaths(), isolation.launcher("exec"), environment);
        } catch (RuntimeException e) {
            isolation.close();
            throw e;
        }
        // One environment builder for every launch path (SR-34): the same policy as exec, plus each skill's own
        // requiredEnv inside SkillSet; each skill gets its own launcher so egress decisions name it.
        this.mcp = new McpSetup(isolation::launcher, environment, workspace, job.perstackBaseSkillCommand(),
                new McpServer.RemoteAccess(null, job.proxyUrl()), McpLimits.DEFAULT, Version.current(), null,
                isolation.packages());
    }

    BaseSkillHost baseSkill() {
        return baseSkill;
    }

    McpSetup mcp() {
        return mcp;
    }

    /** What the model sees as its working directory: /workspace inside a sandbox (docs/isolation.md §3). */
    String workingDirectory() {
        return isolation.visibleRoot();
    }

    /** The base skill first, then the backend it runs in: the order a try-with-resources over both closes them. */
    @Override
    public void close() {
        try (isolation; baseSkill) {
            // closing only
        }
    }
}
