package io.perstack.skills.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.spec.McpSchema;
import io.perstack.core.event.EventPayload;
import io.perstack.core.json.Json;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.skills.SkillSet;
import io.perstack.skills.SkillStartException;
import io.perstack.skills.ToolCallContext;
import io.perstack.skills.ToolFilter;
import io.perstack.skills.ToolSkill;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One MCP server as a skill. It starts in one of three ways (docs/skills.md §1, §8): {@link #start()} blocks until the
 * tools are known; {@link #startInBackground()} (lazyInit) lets {@link #tools()} wait for it; with tool definitions
 * from {@code perstack.lock} nothing starts until the first call, and concurrent first calls share one start.
 *
 * <p>Calls never throw: a failed call, a timeout or a broken connection becomes
 * {@code Error calling tool <name>: <reason>} for the model, and once the connection is broken every later call
 * fails at once with the same reason.
 */
public final class McpSkill implements ToolSkill {
    /** docs/skills.md §6: larger input schemas fail the start of their skill. */
    static final int MAX_SCHEMA_BYTES = 256 * 1024;

    private final String name;
    private final McpServer server;
    private final List<String> pick;
    private final List<String> omit;
    private final Consumer<EventPayload.Runtime> events;
    private final McpLimits limits;
    private final String version;
    private final StderrRelay relay;
    private final BiFunction<ToolResult, ToolCallContext, ToolResult> afterCall;
    private final List<ToolDefinition> lockedTools;
    private final boolean lazy;

    private final Object lock = new Object();
    private CompletableFuture<McpConnection> starting;
    /** Done once the skill's package is installed (or was not needed): the start limit counts from there. */
    private final CompletableFuture<Void> prepared = new CompletableFuture<>();
    private volatile McpConnection connecting;
    private volatile List<ToolDefinition> tools;
    private volatile boolean connected;
    private volatile boolean closed;

    /**
     * @param lockedTools tool definitions from {@code perstack.lock}, or {@code null} to ask the server
     * @param afterCall   adjusts each converted result with the call's context (the out-of-process base skill
     *                    inlines the files it names and reports what attemptCompletion found)
     * @param lazy        lazyInit: {@link SkillSet} starts it in the background (ignored with locked tools)
     * @param redact      applied to every diagnostic line of the server before it becomes an event
     */
    public McpSkill(String name, McpServer server, List<String> pick, List<String> omit,
                    Consumer<EventPayload.Runtime> events, McpLimits limits, String version,
                    List<ToolDefinition> lockedTools, BiFunction<ToolResult, ToolCallContext, ToolResult> afterCall,
                    boolean lazy,
                    UnaryOperator<String> redact) {
        this.lazy = lazy && lockedTools == null;
        this.name = name;
        this.server = server;
        this.pick = List.copyOf(pick);
        this.omit = List.copyOf(omit);
        this.events = events;
        this.limits = limits;
        this.version = version;
        this.relay = new StderrRelay(name, events, redact == null ? UnaryOperator.identity() : redact);
        this.afterCall = afterCall == null ? (result, context) -> result : afterCall;
        this.lockedTools = lockedTools == null ? null : ToolFilter.apply(lockedTools, this.pick, this.omit);
    }

    @Override
    public String name() {
        return name;
    }

    public McpServer server() {
        return server;
    }

    public boolean isLazy() {
        return lazy;
    }

    /** Whether its tool definitions came from the lock (no server contact at start). */
    public boolean fromLock() {
        return lockedTools != null;
    }

    /**
     * Starts the server and lists its tools, within {@link McpLimits#start()}.
     *
     * @throws SkillStartException {@code Skill <name> failed to start: <reason>}
     */
    public void start() {
        awaitStart(begin());
    }

    /** lazyInit: starts in the background; {@link #tools()} waits for it. */
    public void startInBackground() {
        begin();
    }

    private CompletableFuture<McpConnection> begin() {
        synchronized (lock) {
            if (starting == null) {
                starting = new CompletableFuture<>();
                CompletableFuture<McpConnection> result = starting;
                Thread.ofVirtual().name("mcp-start-" + name).start(() -> {
                    try {
                        result.complete(connect());
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    } finally {
                        prepared.complete(null);
                    }
                });
            }
            return starting;
        }
    }

    private McpConnection awaitStart(CompletableFuture<McpConnection> start) {
        try {
            // Installing a package is bounded by npm's own timeouts; it is not part of the server's start.
            prepared.get();
            return start.get(limits.start().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            McpConnection pending = connecting;
            if (pending != null) {
                pending.close();
            }
            SkillStartException failure = failure("timed out after " + limits.start().toMillis() + " ms");
            start.completeExceptionally(failure);
            throw failure;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SkillStartException s ? s : failure(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted");
        }
    }

    private SkillStartException failure(String reason) {
        return new SkillStartException("Skill " + name + " failed to start: " + reason);
    }

    private McpConnection connect() {
        if (closed) {
            throw failure("the run is shutting down");
        }
        McpServer target = server;
        if (server instanceof McpServer.Stdio stdio) {
            events.accept(new EventPayload.SkillStarting(name, stdio.argv().getFirst(),
                    stdio.argv().subList(1, stdio.argv().size())));
            try {
                target = new McpServer.Stdio(stdio.argv(), stdio.packages().prepare(name, stdio.spec()),
                        stdio.launcher());
            } catch (java.io.IOException | RuntimeException e) {
                throw failure(e.getMessage() == null ? e.toString() : e.getMessage());
            } finally {
                prepared.complete(null);
            }
        }
        if (closed) {
            throw failure("the run is shutting down");
        }
        long t0 = System.nanoTime();
        McpConnection.Opened opened;
        try {
            opened = McpConnection.open(name, target, relay, limits, version, c -> {
                connecting = c;
                if (closed) {
                    c.close();
                }
            });
        } catch (McpConnection.RequestFailed e) {
            // The connection is closed by now, so everything the server wrote to stderr has been relayed.
            List<String> last = relay.lastLines();
            throw failure(e.getMessage() + (last.isEmpty() ? "" : ". The last lines of its stderr:\n  "
                    + String.join("\n  ", last)));
        }
        try {
            List<ToolDefinition> listed = new ArrayList<>();
            for (McpSchema.Tool t : opened.tools()) {
                JsonNode schema = Json.mapper().valueToTree(t.inputSchema() == null ? Map.of() : t.inputSchema());
                if (Json.writeBytes(schema).length > MAX_SCHEMA_BYTES) {
                    throw failure("the input schema of tool " + t.name() + " is larger than " + MAX_SCHEMA_BYTES
                            + " bytes");
                }
                listed.add(new ToolDefinition(name, t.name(), t.description(), schema));
            }
            if (lockedTools == null) {
                tools = ToolFilter.apply(listed, pick, omit);
            }
        } catch (RuntimeException e) {
            opened.connection().close();
            throw e;
        }
        if (closed) {
            opened.connection().close();
            throw failure("the run is shutting down");
        }
        long total = (System.nanoTime() - t0) / 1_000_000;
        McpSchema.Implementation info = opened.init().serverInfo();
        connected = true;
        events.accept(new EventPayload.SkillConnected(name,
                info == null ? null : new EventPayload.SkillConnected.ServerInfo(info.name(), info.version()),
                opened.spawnMs() + opened.handshakeMs(), total, opened.spawnMs(), opened.handshakeMs(),
                opened.discoveryMs()));
        return opened.connection();
    }

    /**
     * The filtered tool definitions. For a lazily started skill this waits for its start.
     *
     * @throws SkillStartException when a lazy start failed
     */
    @Override
    public List<ToolDefinition> tools() {
        if (lockedTools != null) {
            return lockedTools;
        }
        List<ToolDefinition> known = tools;
        if (known != null) {
            return known;
        }
        CompletableFuture<McpConnection> start;
        synchronized (lock) {
            start = starting;
        }
        if (start == null) {
            throw new IllegalStateException("Skill " + name + " was not started");
        }
        awaitStart(start);
        return tools;
    }

    /** Whether {@code skillConnected} was emitted (so {@code skillDisconnected} is due when it closes). */
    public boolean wasConnected() {
        return connected;
    }

    @Override
    public ToolResult call(ToolCall call, ToolCallContext context) {
        McpConnection connection;
        try {
            connection = awaitStart(begin());
        } catch (SkillStartException e) {
            return ResultParts.error(call, e.getMessage());
        }
        String broken = connection.brokenReason();
        if (broken != null) {
            return ResultParts.error(call, broken);
        }
        Map<String, Object> arguments = call.args() == null || !call.args().isObject() ? Map.of()
                : Json.mapper().convertValue(call.args(), new TypeReference<Map<String, Object>>() { });
        try {
            return afterCall.apply(ResultParts.convert(call, connection.call(call.toolName(), arguments)), context);
        } catch (McpConnection.RequestFailed e) {
            return ResultParts.error(call, e.getMessage());
        } catch (RuntimeException e) {
            // A result the SDK could not map (hostile shapes) must not crash the step.
            return ResultParts.error(call, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Bounded (docs/skills.md §9) and never throws; a start still in progress is aborted. */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<McpConnection> start;
        synchronized (lock) {
            start = starting;
        }
        McpConnection pending = connecting;
        if (pending != null) {
            pending.close();
        }
        if (start != null) {
            try {
                start.get(1, TimeUnit.SECONDS).close();
            } catch (Exception notStarted) {
                // A start that failed or was aborted left nothing to close.
            }
        }
        relay.close();
    }
}
