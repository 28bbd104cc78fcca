package io.perstack.skills.mcp;

import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.skills.packages.SkillPackages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What MCP skills of one run segment need besides their configuration.
 *
 * @param launchers        the isolation backend's launcher for a skill name; {@code null} (or a {@code null}
 *                         launcher) when the backend cannot launch processes, which makes every stdio skill fail to
 *                         start rather than run unisolated
 * @param environment      builds each skill's environment (safe list, backend overrides, {@code --env}, and only
 *                         that skill's {@code requiredEnv})
 * @param workingDirectory the workspace as the backend's processes see it
 * @param baseSkillCommand {@code perstackBaseSkillCommand}, or {@code null}
 * @param remote           TLS and proxy settings for SSE and streamable HTTP skills
 * @param limits           start, call and shutdown limits
 * @param clientVersion    the product version sent as MCP client info
 * @param lockedTools      tool definitions from {@code perstack.lock} for this Expert, by skill name; {@code null} when
 *                         the Expert has no usable lock entry (then servers are asked at start)
 * @param packages         how stdio skills' packages are run from the backend's package cache
 */
public record McpSetup(Function<String, ProcessLauncher> launchers, EnvironmentPolicy environment, Path workingDirectory,
                       List<String> baseSkillCommand, McpServer.RemoteAccess remote, McpLimits limits,
                       String clientVersion, Map<String, List<ToolDefinition>> lockedTools,
                       SkillPackages packages) {
    public McpSetup {
        packages = packages == null ? SkillPackages.NONE : packages;
        baseSkillCommand = baseSkillCommand == null ? null : List.copyOf(baseSkillCommand);
        remote = remote == null ? McpServer.RemoteAccess.DEFAULT : remote;
        limits = limits == null ? McpLimits.DEFAULT : limits;
        lockedTools = lockedTools == null ? null : Map.copyOf(lockedTools);
    }

    /** Without a package cache: skills run their commands as configured. */
    public McpSetup(Function<String, ProcessLauncher> launchers, EnvironmentPolicy environment, Path workingDirectory,
                    List<String> baseSkillCommand, McpServer.RemoteAccess remote, McpLimits limits,
                    String clientVersion, Map<String, List<ToolDefinition>> lockedTools) {
        this(launchers, environment, workingDirectory, baseSkillCommand, remote, limits, clientVersion, lockedTools,
                null);
    }

    /** No launcher and an empty environment: stdio skills cannot start; remote skills still can. */
    public static McpSetup none(String clientVersion) {
        return new McpSetup(null, EnvironmentPolicy.local(Map.of(), List.of()), Path.of("").toAbsolutePath(), null,
                null, null, clientVersion, null);
    }

    /** The launcher for one skill's process, or {@code null} when the backend cannot launch any. */
    public ProcessLauncher launcherFor(String skillName) {
        return launchers == null ? null : launchers.apply(skillName);
    }

    public McpSetup withLockedTools(Map<String, List<ToolDefinition>> locked) {
        return new McpSetup(launchers, environment, workingDirectory, baseSkillCommand, remote, limits, clientVersion,
                locked, packages);
    }
}
