package io.perstack.skills.mcp;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.perstack.core.id.Ids;
import io.perstack.core.launch.LaunchedProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * One live MCP client session with a server: the SDK client on top of our stdio transport or the SDK's HTTP
 * transports. Every wait is bounded by us rather than left to the SDK, so a broken connection fails the waiting
 * calls at once, and a call's deadline can move with the server's progress notifications (docs/skills.md §2).
 */
final class McpConnection implements AutoCloseable {
    /** Failure of one request; the message is what follows {@code Error calling tool <name>: }. */
    static final class RequestFailed extends Exception {
        RequestFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** What {@link #open} measured and learned (docs/skills.md §11). */
    record Opened(McpConnection connection, McpSchema.InitializeResult init, List<McpSchema.Tool> tools,
                  long spawnMs, long handshakeMs, long discoveryMs) {}

    private static final int MAX_TOOL_PAGES = 100;

    private final McpLimits limits;
    private final LaunchedProcess process;
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> lastActivity = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String brokenReason;
    private McpAsyncClient client;
    private StdioTransport stdio;

    private McpConnection(McpLimits limits, LaunchedProcess process) {
        this.limits = limits;
        this.process = process;
    }

    /**
     * Starts (stdio) or reaches (remote) the server, then {@code initialize} and {@code tools/list}.
     *
     * @throws RequestFailed with the reason the start failed; anything already started is closed
     */
    static Opened open(String skillName, McpServer server, StderrRelay relay, McpLimits limits, String version,
                       java.util.function.Consumer<McpConnection> created) throws RequestFailed {
        McpJsonMapper mapper = McpJsonDefaults.getMapper();
        long t0 = System.nanoTime();
        McpConnection connection;
        McpClientTransport transport;
        switch (server) {
            case McpServer.Stdio stdio -> {
                LaunchedProcess process;
                try {
                    process = stdio.launcher().launch(stdio.spec());
                } catch (IOException e) {
                    throw new RequestFailed(e.getMessage());
                }
                connection = new McpConnection(limits, process);
                created.accept(connection);
                connection.stdio = new StdioTransport(process, mapper, relay, connection::broken);
                transport = connection.stdio;
            }
            case McpServer.Remote remote -> {
                connection = new McpConnection(limits, null);
                created.accept(connection);
                transport = RemoteTransports.create(skillName, remote, mapper);
            }
        }
        long spawnMs = millisSince(t0);
        try {
            if (connection.brokenReason != null) {
                throw new RequestFailed(connection.brokenReason);
            }
            connection.client = McpClient.async(transport)
                    // Our own deadlines govern; the SDK's only catch what ours would miss.
                    .requestTimeout(limits.callMax().plusSeconds(30))
                    .initializationTimeout(limits.start().plusSeconds(30))
                    .clientInfo(new McpSchema.Implementation(skillName + "-mcp-client", version))
                    .capabilities(McpSchema.ClientCapabilities.builder().build())
                    .progressConsumer(connection::progress)
                    .build();
            long t1 = System.nanoTime();
            McpSchema.InitializeResult init = connection.await(connection.client.initialize(), limits.start());
            long handshakeMs = millisSince(t1);
            long t2 = System.nanoTime();
            List<McpSchema.Tool> tools = new ArrayList<>();
            String cursor = null;
            for (int page = 0; page < MAX_TOOL_PAGES; page++) {
                McpSchema.ListToolsResult result = connection.await(cursor == null
                        ? connection.client.listTools() : connection.client.listTools(cursor), limits.start());
                if (result.tools() != null) {
                    tools.addAll(result.tools());
                }
                cursor = result.nextCursor();
                if (cursor == null || cursor.isEmpty()) {
                    break;
                }
            }
            return new Opened(connection, init, List.copyOf(tools), spawnMs, handshakeMs, millisSince(t2));
        } catch (RequestFailed | RuntimeException e) {
            connection.close();
            throw e instanceof RequestFailed r ? r : new RequestFailed(describe(e));
        }
    }

    private static long millisSince(long start) {
        return Math.max(0, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * One {@code tools/call}. The deadline is {@link McpLimits#call()} after the last sign of life (the request or a
     * progress notification for it), never later than {@link McpLimits#callMax()} after the request.
     */
    McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) throws RequestFailed {
        String token = Ids.next();
        AtomicLong activity = new AtomicLong(System.nanoTime());
        lastActivity.put(token, activity);
        try {
            CompletableFuture<McpSchema.CallToolResult> future = client.callTool(
                    new McpSchema.CallToolRequest(tool, arguments, Map.of("progressToken", token))).toFuture();
            long hardEnd = System.nanoTime() + limits.callMax().toNanos();
            return await(future, () -> Math.min(activity.get() + limits.call().toNanos(), hardEnd));
        } finally {
            lastActivity.remove(token);
        }
    }

    private Mono<Void> progress(McpSchema.ProgressNotification notification) {
        AtomicLong activity = notification.progressToken() == null ? null
                : lastActivity.get(String.valueOf(notification.progressToken()));
        if (activity != null) {
            activity.set(System.nanoTime());
        }
        return Mono.empty();
    }

    private <T> T await(Mono<T> request, Duration timeout) throws RequestFailed {
        long end = System.nanoTime() + timeout.toNanos();
        return await(request.toFuture(), () -> end);
    }

    private <T> T await(CompletableFuture<T> future, java.util.function.LongSupplier deadline) throws RequestFailed {
        waiting.add(future);
        try {
            String reason = brokenReason;
            if (reason != null) {
                throw new RequestFailed(reason);
            }
            while (true) {
                long left = deadline.getAsLong() - System.nanoTime();
                if (left <= 0) {
                    future.cancel(true);
                    throw new RequestFailed("Request timed out");
                }
                try {
                    return future.get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // The deadline may have moved with progress; look again.
                } catch (ExecutionException e) {
                    throw new RequestFailed(describe(e.getCause()));
                } catch (java.util.concurrent.CancellationException e) {
                    throw new RequestFailed(brokenReason != null ? brokenReason : "Request cancelled");
                } catch (InterruptedException e) {
                    future.cancel(true);
                    Thread.currentThread().interrupt();
                    throw new RequestFailed("Request cancelled");
                }
            }
        } finally {
            waiting.remove(future);
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof McpError m && m.getJsonRpcError() != null && m.getJsonRpcError().message() != null) {
            return m.getJsonRpcError().message();
        }
        if (e instanceof Broken b) {
            return b.getMessage();
        }
        Throwable root = McpError.findRootCause(e);
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    /** The connection cannot be used any more; waiting requests fail with {@code reason} at once. */
    void broken(String reason) {
        if (brokenReason == null) {
            brokenReason = reason;
        }
        for (CompletableFuture<?> f : waiting) {
            f.completeExceptionally(new Broken(brokenReason));
        }
    }

    /** Why the connection is unusable, or {@code null} while it works. */
    String brokenReason() {
        return brokenReason;
    }

    private static final class Broken extends RuntimeException {
        Broken(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * docs/skills.md §9: ask the server to stop (close stdin; HTTP session delete), give it {@link McpLimits#shutdown()},
     * then end its process group (SIGTERM, SIGKILL after the launcher's grace). Bounded, never throws.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        broken("connection closed");
        try {
            if (process != null) {
                if (stdio != null) {
                    stdio.closeStdin();
                }
                if (!exited(limits.shutdown().toMillis())) {
                    process.terminate();
                    exited(LaunchedProcess.GRACE_MILLIS + 1500);
                }
                if (stdio != null) {
                    // Its last stderr lines are still in the pipe; relay them before the skill reports closed.
                    stdio.stderrDrained().get(500, TimeUnit.MILLISECONDS);
                }
            } else if (client != null) {
                client.closeGracefully().toFuture().get(limits.shutdown().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            // Best effort by contract: the run's outcome matters more than a server that will not say goodbye.
        } finally {
            if (client != null) {
                try {
                    client.close();
                } catch (RuntimeException ignored) {
                    // Same as above.
                }
            }
        }
    }

    private boolean exited(long millis) {
        try {
            process.exit().get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
