package io.perstack.skills;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.base.mcp.BaseSkillMcpServer;
import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.event.EventPayload;
import io.perstack.core.json.Json;
import io.perstack.core.launch.EnvironmentException;
import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.core.model.ExpertRef;
import io.perstack.core.policy.CredentialRedactor;
import io.perstack.core.model.ToolResult;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.skills.base.BaseProcessResults;
import io.perstack.skills.base.BaseSkillHost;
import io.perstack.skills.base.InProcessBaseSkill;
import io.perstack.skills.mcp.McpServer;
import io.perstack.skills.mcp.McpSetup;
import io.perstack.skills.mcp.McpSkill;
import io.perstack.skills.mcp.StdioCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The skills of one run segment, started in the documented order (docs/skills.md §1) and routing each tool name to the
 * one skill that provides it. A tool name offered twice is a start error, so no skill can shadow another's tools.
 */
public final class SkillSet implements AutoCloseable {
    /** Looked up when there is something to report: setting up logging is a cost no ordinary run should pay. */
    private static Logger log() {
        return LoggerFactory.getLogger(SkillSet.class);
    }

    private final List<Skill> skills;
    private final Consumer<EventPayload.Runtime> events;
    private final Object routesLock = new Object();
    private volatile Routes routes;

    /** Tool name → skill, and every definition in skill order. */
    private record Routes(Map<String, Skill> byTool, List<ToolDefinition> tools) {}

    private SkillSet(List<Skill> skills, Consumer<EventPayload.Runtime> events) {
        this.skills = List.copyOf(skills);
        this.events = events;
        // Known tools are checked now, so a collision among them fails the start; lazily started skills join the
        // check when their tools arrive.
        Routes known = route(skills.stream().filter(s -> !isLazy(s)).toList());
        if (skills.stream().noneMatch(SkillSet::isLazy)) {
            routes = known;
        }
    }

    private static boolean isLazy(Skill s) {
        return s instanceof McpSkill m && m.isLazy();
    }

    private static Routes route(List<Skill> skills) {
        Map<String, Skill> byTool = new LinkedHashMap<>();
        List<ToolDefinition> all = new ArrayList<>();
        for (Skill s : skills) {
            for (ToolDefinition t : s.tools()) {
                Skill previous = byTool.putIfAbsent(t.name(), s);
                if (previous != null) {
                    throw new SkillStartException("Tool name \"" + t.name() + "\" is provided by skills \""
                            + previous.name() + "\" and \"" + s.name() + "\"; use pick or omit to keep one");
                }
                all.add(t);
            }
        }
        return new Routes(byTool, List.copyOf(all));
    }

    private Routes routes() {
        Routes r = routes;
        if (r == null) {
            synchronized (routesLock) {
                r = routes;
                if (r == null) {
                    r = route(skills);
                    routes = r;
                }
            }
        }
        return r;
    }

    /**
     * What a run segment needs to assemble its skills.
     *
     * @param mcp how MCP skills are launched or reached; {@link McpSetup#none} allows no stdio skill
     */
    public record Spec(ExpertConfig expert, boolean delegated, BaseSkillHost baseSkill,
                       Function<String, Optional<ExpertConfig>> delegateResolver,
                       Consumer<EventPayload.Runtime> events, McpSetup mcp) {
        public Spec {
            mcp = mcp == null ? McpSetup.none(BaseSkillMcpServer.productVersion()) : mcp;
        }

        /** Without MCP setup: the in-process base skill, interactive and delegate skills only. */
        public Spec(ExpertConfig expert, boolean delegated, BaseSkillHost baseSkill,
                    Function<String, Optional<ExpertConfig>> delegateResolver,
                    Consumer<EventPayload.Runtime> events) {
            this(expert, delegated, baseSkill, delegateResolver, events, null);
        }
    }

    /**
     * Starts every skill of the Expert: the base skill first, then all other MCP skills in parallel, then
     * interactive and delegate skills. On any failure everything already started is closed and the error is raised
     * with the failing skill's name.
     */
    public static SkillSet start(Spec spec) {
        List<Skill> started = new ArrayList<>();
        try {
            Map<String, SkillConfig> configured = spec.expert().skills();
            if (configured != null && !configured.containsKey(InProcessBaseSkill.NAME)) {
                throw new SkillStartException("Base skill is not defined: Expert \"" + spec.expert().key()
                        + "\" lists skills but not \"" + InProcessBaseSkill.NAME + "\". Add [experts.\""
                        + spec.expert().key() + "\".skills.\"" + InProcessBaseSkill.NAME + "\"] with type = "
                        + "\"mcpStdioSkill\", command = \"npx\", packageName = \"" + InProcessBaseSkill.NAME
                        + "\", or remove the skills table to get the base skill by default.");
            }
            Map<String, SkillConfig> all = spec.expert().effectiveSkills();
            SkillConfig base = all.get(InProcessBaseSkill.NAME);

            // Every configuration problem is found before the first process starts.
            long t0 = System.nanoTime();
            Skill baseSkill = baseSkill(base, spec);
            long baseMillis = (System.nanoTime() - t0) / 1_000_000;
            List<McpSkill> others = new ArrayList<>();
            for (SkillConfig sc : all.values()) {
                if (sc != base && !(sc instanceof SkillConfig.Interactive)) {
                    others.add(mcpSkill(sc, spec, false));
                }
            }

            started.add(baseSkill);
            if (baseSkill instanceof McpSkill mcpBase) {
                startAll(List.of(mcpBase));
            } else {
                spec.events().accept(new EventPayload.SkillConnected(InProcessBaseSkill.NAME, null, 0L, baseMillis,
                        0L, 0L, baseMillis));
            }
            started.addAll(others);
            startAll(others);

            if (!spec.delegated()) {
                for (SkillConfig sc : all.values()) {
                    if (sc instanceof SkillConfig.Interactive interactive) {
                        started.add(interactive(interactive));
                    }
                }
            }
            for (String key : spec.expert().delegates()) {
                ExpertConfig delegate = spec.delegateResolver().apply(key).orElseThrow(() ->
                        new SkillStartException("Delegate expert \"" + key + "\" not found in experts"));
                started.add(DelegateSkill.of(new ExpertRef(delegate.key(), delegate.name(), delegate.version()),
                        delegate.description()));
            }
            return new SkillSet(started, spec.events());
        } catch (RuntimeException e) {
            closeAll(started, spec.events());
            throw e;
        }
    }

    /**
     * Skills that are already running, routed as {@link #start} routes them: for an embedding application that
     * brings its own tools, and for in-memory tests of the loop. Closing the set closes them.
     *
     * @throws SkillStartException when two skills offer the same tool name
     */
    public static SkillSet of(List<Skill> skills) {
        return new SkillSet(skills, p -> { });
    }

    private static Skill baseSkill(SkillConfig base, Spec spec) {
        boolean inProcess = switch (base) {
            case SkillConfig.McpStdio stdio -> !StdioCommand.isPinnedBase(stdio)
                    && (spec.mcp().baseSkillCommand() == null || !stdio.command().equals("npx"));
            default -> false;
        };
        if (inProcess) {
            SkillConfig.McpStdio stdio = (SkillConfig.McpStdio) base;
            if (!stdio.requiredEnv().isEmpty()) {
                log().warn("requiredEnv is ignored for the in-process @perstack/base; pin a version to run it as a "
                        + "process");
            }
            return new InProcessBaseSkill(spec.baseSkill(), base.pick(), base.omit());
        }
        return mcpSkill(base, spec, true);
    }

    private static McpSkill mcpSkill(SkillConfig config, Spec spec, boolean isBase) {
        McpSetup setup = spec.mcp();
        List<ToolDefinition> locked = setup.lockedTools() == null ? null
                : setup.lockedTools().getOrDefault(config.name(), List.of());
        BiFunction<ToolResult, ToolCallContext, ToolResult> afterCall = isBase
                ? new BaseProcessResults(spec.baseSkill()) : null;
        UnaryOperator<String> redact = CredentialRedactor.of(setup.environment().source())::redact;
        return switch (config) {
            case SkillConfig.McpStdio stdio -> {
                SkillConfig.McpStdio effective = StdioCommand.withBaseCommand(stdio, setup.baseSkillCommand());
                List<String> argv = effective == stdio ? StdioCommand.argv(stdio)
                        : StdioCommand.baseCommandArgv(effective);
                Map<String, String> env;
                try {
                    env = setup.environment().forSkill(stdio.name(), effective.requiredEnv());
                } catch (EnvironmentException e) {
                    throw new SkillStartException(e.getMessage());
                }
                ProcessLauncher launcher = setup.launcherFor(stdio.name());
                if (launcher == null) {
                    throw new SkillStartException("Skill " + stdio.name()
                            + " failed to start: the selected runtime cannot launch skill processes");
                }
                McpServer server = new McpServer.Stdio(argv, new LaunchSpec(argv, setup.workingDirectory(), env,
                        null, LaunchSpec.Stdin.PIPE), launcher, setup.packages());
                yield new McpSkill(stdio.name(), server, stdio.pick(), stdio.omit(), spec.events(),
                        setup.limits(), setup.clientVersion(), locked, afterCall, effective.lazyInit() && !isBase,
                        redact);
            }
            case SkillConfig.McpSse sse -> new McpSkill(sse.name(),
                    new McpServer.Remote(sse.endpoint(), false, setup.remote()), sse.pick(), sse.omit(),
                    spec.events(), setup.limits(), setup.clientVersion(), locked, afterCall, false, redact);
            case SkillConfig.McpStreamableHttp http -> new McpSkill(http.name(),
                    new McpServer.Remote(http.endpoint(), true, setup.remote()), http.pick(), http.omit(),
                    spec.events(), setup.limits(), setup.clientVersion(), locked, afterCall, false, redact);
            case SkillConfig.Interactive interactive -> throw new IllegalArgumentException(interactive.name());
        };
    }

    /**
     * Starts skills in parallel and waits until all have their tools; lazy ones and those answered by the lock are
     * only kicked off or left alone. The first failure closes the others at once, so a hanging server does not
     * delay the report of a broken one.
     */
    private static void startAll(List<McpSkill> skills) {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        CompletableFuture<Throwable> firstFailure = new CompletableFuture<>();
        for (McpSkill s : skills) {
            if (s.fromLock()) {
                continue;
            }
            if (s.isLazy()) {
                s.startInBackground();
                continue;
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            Thread.ofVirtual().name("skill-start-" + s.name()).start(() -> {
                try {
                    s.start();
                    f.complete(null);
                } catch (Throwable e) {
                    firstFailure.complete(e);
                    f.completeExceptionally(e);
                }
            });
            starts.add(f);
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new));
        CompletableFuture.anyOf(all, firstFailure).handle((r, e) -> null).join();
        if (firstFailure.isDone()) {
            Throwable cause = firstFailure.join();
            skills.parallelStream().forEach(McpSkill::close);
            all.handle((r, e) -> null).join();
            throw cause instanceof RuntimeException r ? r : new SkillStartException(cause.toString(), cause);
        }
    }

    private static InteractiveSkill interactive(SkillConfig.Interactive config) {
        List<ToolDefinition> defs = new ArrayList<>();
        config.tools().forEach((toolName, tool) -> {
            JsonNode schema;
            try {
                schema = Json.mapper().readTree(tool.inputJsonSchema());
            } catch (java.io.IOException | RuntimeException e) {
                throw new SkillStartException("Skill " + config.name() + " tool " + toolName
                        + " has an invalid inputJsonSchema: " + e.getMessage());
            }
            defs.add(new ToolDefinition(config.name(), toolName, tool.description(), schema));
        });
        return new InteractiveSkill(config.name(), defs);
    }

    /**
     * All tool definitions offered to the model, in skill order. Waits for lazily started skills.
     *
     * @throws SkillStartException when a lazy skill failed to start ({@code Skill <name> failed to start: …}) or its
     *                             tools collide with another skill's
     */
    public List<ToolDefinition> tools() {
        return routes().tools();
    }

    public Optional<Skill> skillFor(String toolName) {
        return Optional.ofNullable(routes().byTool().get(toolName));
    }

    public List<Skill> skills() {
        return skills;
    }

    /**
     * Closes every skill in parallel, each bounded (docs/skills.md §9), then reports {@code skillDisconnected} for each
     * tool skill that had connected. Never throws.
     */
    @Override
    public void close() {
        closeAll(skills, events);
    }

    private static void closeAll(List<Skill> skills, Consumer<EventPayload.Runtime> events) {
        skills.parallelStream().forEach(s -> {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // Closing is best effort by contract; a failing close must not hide the run's outcome.
            }
        });
        for (Skill s : skills) {
            boolean wasConnected = switch (s) {
                case McpSkill m -> m.wasConnected();
                case ToolSkill t -> true;
                default -> false;
            };
            if (wasConnected) {
                try {
                    events.accept(new EventPayload.SkillDisconnected(s.name()));
                } catch (RuntimeException ignored) {
                    // As above.
                }
            }
        }
    }
}
