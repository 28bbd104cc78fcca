package io.perstack.skills.mcp;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.event.EventPayload;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.sandbox.local.LocalLauncher;
import io.perstack.skills.Skill;
import io.perstack.skills.SkillSet;
import io.perstack.skills.ToolCallContext;
import io.perstack.skills.ToolSkill;
import io.perstack.skills.base.BaseSkillHost;
import io.perstack.testkit.mcp.HostileMcp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Builds Experts whose skills are real MCP servers in child JVMs, starts them through the real local launcher and
 * records the runtime events they cause.
 */
final class Harness implements AutoCloseable {
    /** Host environment with canaries: only a skill's own requiredEnv may ever reach it. */
    static final Map<String, String> HOST_ENV = Map.of(
            "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
            "HOME", "/tmp",
            "TERM", "dumb",
            "SKILL_A_TOKEN", "canary-a-7c1e",
            "SKILL_B_TOKEN", "canary-b-93fd",
            "ANTHROPIC_API_KEY", "sk-ant-canary-5511",
            "AWS_SECRET_ACCESS_KEY", "canary-aws-0042",
            "NODE_OPTIONS", "--require /tmp/evil.js");
    static final McpLimits FAST = new McpLimits(Duration.ofSeconds(20), Duration.ofSeconds(20),
            Duration.ofSeconds(60), Duration.ofSeconds(2));

    final Path workspace;
    final List<EventPayload.Runtime> events = new CopyOnWriteArrayList<>();
    final BaseSkillHost base;
    private final Map<String, SkillConfig> skills = new LinkedHashMap<>();
    private McpLimits limits = FAST;
    private List<String> baseCommand;
    private McpServer.RemoteAccess remote;
    private Map<String, List<io.perstack.core.tool.ToolDefinition>> locked;
    private final List<SkillSet> started = new ArrayList<>();

    Harness(Path workspace) {
        this.workspace = workspace;
        this.base = BaseSkillHost.open(workspace, List.of(), List.of(), new LocalLauncher(), HOST_ENV, List.of());
        skills.put("@perstack/base", SkillConfig.McpStdio.defaultBase());
    }

    /** A hostile stdio skill named {@code name} with the given server options. */
    Harness hostile(String name, List<String> requiredEnv, boolean lazy, String... options) {
        List<String> cmd = HostileMcp.stdioCommand(options);
        skills.put(name, new SkillConfig.McpStdio(name, null, null, List.of(), List.of(), cmd.getFirst(), null,
                cmd.subList(1, cmd.size()), requiredEnv, List.of(), lazy));
        return this;
    }

    /** A hostile stdio skill offering only the {@code pick}ed tools. */
    Harness hostilePicking(String name, List<String> pick, String... options) {
        List<String> cmd = HostileMcp.stdioCommand(options);
        skills.put(name, new SkillConfig.McpStdio(name, null, null, pick, List.of(), cmd.getFirst(), null,
                cmd.subList(1, cmd.size()), List.of(), List.of(), false));
        return this;
    }

    Harness skill(SkillConfig config) {
        skills.put(config.name(), config);
        return this;
    }

    Harness limits(McpLimits l) {
        this.limits = l;
        return this;
    }

    Harness remote(McpServer.RemoteAccess access) {
        this.remote = access;
        return this;
    }

    Harness baseCommand(List<String> command) {
        this.baseCommand = command;
        return this;
    }

    Harness locked(Map<String, List<io.perstack.core.tool.ToolDefinition>> tools) {
        this.locked = tools;
        return this;
    }

    ExpertConfig expert() {
        return new ExpertConfig("tester", "tester", null, null, "Tests", "Test things", List.of(), List.of(),
                skills, List.of(), null, null);
    }

    SkillSet start() {
        SkillSet set = SkillSet.start(new SkillSet.Spec(expert(), false, base, key -> Optional.empty(),
                events::add, new McpSetup(name -> new LocalLauncher(), EnvironmentPolicy.local(HOST_ENV, List.of()),
                workspace, baseCommand, remote, limits, "0.0.0-test", locked)));
        started.add(set);
        return set;
    }

    static ToolResult call(SkillSet set, String tool, String argsJson) {
        Skill skill = set.skillFor(tool).orElseThrow(() -> new AssertionError("no skill offers " + tool));
        ToolCall call = new ToolCall(Ids.next(), skill.name(), tool, Json.tree(argsJson));
        return ((ToolSkill) skill).call(call, new ToolCallContext(Todo.EMPTY));
    }

    static String text(ToolResult result) {
        return result.result().stream().filter(MessagePart.TextPart.class::isInstance)
                .map(p -> ((MessagePart.TextPart) p).text()).collect(Collectors.joining("\n"));
    }

    <T extends EventPayload.Runtime> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<String> stderrOf(String skill) {
        return events(EventPayload.SkillStderr.class).stream().filter(e -> e.skillName().equals(skill))
                .map(EventPayload.SkillStderr::message).toList();
    }

    /** Live processes whose command line contains {@code marker} (a unique {@code --name} value). */
    static List<ProcessHandle> processesWith(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> List.of(a).contains(marker)).orElse(false)).filter(ProcessHandle::isAlive).toList();
    }

    @Override
    public void close() {
        started.forEach(SkillSet::close);
        base.close();
    }
}
