package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.event.EventPayload;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.skills.DelegateSkill;
import io.perstack.skills.Skill;
import io.perstack.skills.SkillSet;
import io.perstack.skills.base.BaseSkillHost;
import io.perstack.skills.mcp.McpLimits;
import io.perstack.skills.mcp.McpServer;
import io.perstack.skills.mcp.McpSetup;
import io.perstack.skills.packages.CachedNpmPackages;
import io.perstack.skills.packages.SkillPackages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts an Expert's skills once through the chosen isolation backend and lists their tools after pick/omit, then
 * closes them: what {@code perstack install} records in the lock (docs/cli.md §6). Delegate tools are left out; a run
 * builds them from the Experts it resolves.
 */
public final class ToolCollection {
    private ToolCollection() {}

    /**
     * How to reach the skills.
     *
     * @param runtime          the isolation backend name
     * @param workspace        working directory of skill processes
     * @param env              the merged environment (each skill still receives only what docs/skills.md §4 allows)
     * @param extraEnvNames    {@code --env} names
     * @param baseSkillCommand {@code perstackBaseSkillCommand}, or {@code null}
     * @param proxyUrl         {@code PERSTACK_PROXY_URL}, or {@code null}
     * @param events           runtime events of the skills (starting, connected, stderr)
     * @param packages         runs sandboxed skills' packages from the cache and records the versions used (see
     *                         {@link #packages(String, Path)}); {@code null} makes one per collection
     */
    public record Setting(String runtime, Path workspace, Map<String, String> env, List<String> extraEnvNames,
                          List<String> baseSkillCommand, String proxyUrl, Consumer<EventPayload.Runtime> events,
                          SkillPackages packages) {
        public Setting(String runtime, Path workspace, Map<String, String> env, List<String> extraEnvNames,
                       List<String> baseSkillCommand, String proxyUrl, Consumer<EventPayload.Runtime> events) {
            this(runtime, workspace, env, extraEnvNames, baseSkillCommand, proxyUrl, events, null);
        }
    }

    /**
     * One package runner for a whole {@code perstack install}, so that the versions every skill ran with can be
     * written to the lock ({@link CachedNpmPackages#resolved()}); {@link SkillPackages#NONE} off the sandbox.
     */
    public static SkillPackages packages(String runtime, Path workspace) {
        return SkillPackageCache.forRuntime(runtime, workspace.toAbsolutePath().normalize())
                .packages(Map.of(), System.err::println);
    }

    public static List<ToolDefinition> collect(ExpertConfig expert, Map<String, ExpertConfig> experts,
                                               Setting setting) {
        Path workspace = setting.workspace().toAbsolutePath().normalize();
        SkillPackageCache cache = SkillPackageCache.forRuntime(setting.runtime(), workspace);
        List<Path> startup = new ArrayList<>(List.of(workspace.resolve("perstack.toml"),
                workspace.resolve("perstack.lock"), workspace.resolve(".env"), workspace.resolve(".env.local")));
        startup.addAll(cache.protect());
        SkillPackages packages = setting.packages() != null ? setting.packages()
                : cache.packages(Map.of(), System.err::println);
        try (IsolationBackends.JobIsolation isolation = IsolationBackends.open(setting.runtime(), "install",
                expert.key(), experts, setting.env(), workspace, cache.protect(), List.of(), startup, false,
                setting.events(), packages);
             BaseSkillHost base = BaseSkillHost.open(workspace, isolation.visibleRoot(), cache.protect(), List.of(),
                     isolation.launcher("exec"), isolation.environment(setting.env(), setting.extraEnvNames()))) {
            McpSetup mcp = new McpSetup(isolation::launcher,
                    isolation.environment(setting.env(), setting.extraEnvNames()), workspace,
                    setting.baseSkillCommand(), new McpServer.RemoteAccess(null, setting.proxyUrl()),
                    McpLimits.DEFAULT, Version.current(), null, isolation.packages());
            try (SkillSet skills = SkillSet.start(new SkillSet.Spec(expert, false, base,
                    key -> Optional.ofNullable(experts.get(key)), setting.events(), mcp))) {
                List<ToolDefinition> tools = new ArrayList<>();
                for (ToolDefinition t : skills.tools()) {
                    Skill owner = skills.skillFor(t.name()).orElseThrow();
                    if (!(owner instanceof DelegateSkill)) {
                        tools.add(t);
                    }
                }
                return List.copyOf(tools);
            }
        }
    }
}
