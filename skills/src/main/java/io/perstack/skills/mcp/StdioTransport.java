package io.perstack.skills.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.perstack.core.launch.LaunchedProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * MCP over the stdin/stdout of a process we launched through the isolation backend. The SDK's own stdio transport
 * starts the process itself and hands it our whole environment; this one only speaks over pipes of a process that
 * already runs with its filtered environment.
 *
 * <p>Each stdout line is one JSON-RPC message (at most {@link #MAX_MESSAGE_BYTES}). A line that is not a JSON-RPC
 * message is reported through the relay and skipped. A longer line, the end of stdout or a failed write breaks the
 * connection: {@code onBroken} is told why, once, and the caller stops using it.
 */
final class StdioTransport implements McpClientTransport {
    /** docs/skills.md §2: one message from a server. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    // stderr lines are only ever shown cut to 4096 characters; reading a little more keeps multi-byte text intact.
    private static final int MAX_STDERR_LINE_BYTES = 4 * StderrRelay.MAX_CHARS;

    private final LaunchedProcess process;
    private final McpJsonMapper mapper;
    private final StderrRelay relay;
    private final Consumer<String> onBroken;
    private final AtomicBoolean broken = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> stderrDrained = new CompletableFuture<>();
    // One writer thread keeps messages whole and in order, and a server that stops reading its stdin blocks only it.
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("mcp-stdin-writer").factory());

    StdioTransport(LaunchedProcess process, McpJsonMapper mapper, StderrRelay relay, Consumer<String> onBroken) {
        this.process = process;
        this.mapper = mapper;
        this.relay = relay;
        this.onBroken = onBroken;
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> {
            Thread.ofVirtual().name("mcp-stdout-reader").start(() -> readMessages(handler));
            Thread.ofVirtual().name("mcp-stderr-reader").start(this::readStderr);
        });
    }

    private void readMessages(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        BoundedLines lines = new BoundedLines(process.stdout(), MAX_MESSAGE_BYTES, false);
        try {
            byte[] line;
            while ((line = lines.next()) != null) {
                String text = new String(line, StandardCharsets.UTF_8);
                if (text.isBlank()) {
                    continue;
                }
                JSONRPCMessage message;
                try {
                    message = McpSchema.deserializeJsonRpcMessage(mapper, text);
                } catch (IOException | RuntimeException notProtocol) {
                    relay.nonProtocol(text);
                    continue;
                }
                try {
                    handler.apply(Mono.just(message)).subscribe(m -> { }, e -> { });
                } catch (RuntimeException e) {
                    // The session rejected one message (e.g. an unknown response id); the connection is still fine.
                }
            }
            breakWith(exitDescription());
        } catch (BoundedLines.TooLong e) {
            breakWith("message too large");
        } catch (IOException e) {
            breakWith(closing.get() ? "connection closed" : "reading from the server failed: " + e.getMessage());
        }
    }

    private String exitDescription() {
        if (closing.get()) {
            return "connection closed";
        }
        // stdout ends a moment before the exit status is known; wait briefly so the message can name it.
        try {
            var status = process.exit().get(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            return "MCP server exited" + (status.signal() != null ? " (" + status.signal() + ")"
                    : " with code " + status.code());
        } catch (Exception stillRunning) {
            return "MCP server closed its output";
        }
    }

    private void readStderr() {
        BoundedLines lines = new BoundedLines(process.stderr(), MAX_STDERR_LINE_BYTES, true);
        try {
            byte[] line;
            while ((line = lines.next()) != null) {
                relay.line(new String(line, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The process is gone; nothing more to relay.
        } finally {
            stderrDrained.complete(null);
        }
    }

    /** Completes when everything the process wrote to stderr has been relayed. */
    CompletableFuture<Void> stderrDrained() {
        return stderrDrained;
    }

    private void breakWith(String reason) {
        if (broken.compareAndSet(false, true)) {
            onBroken.accept(reason);
        }
    }

    boolean isBroken() {
        return broken.get();
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        return Mono.defer(() -> {
            if (broken.get()) {
                return Mono.error(new IOException("connection is broken"));
            }
            byte[] bytes;
            try {
                // Compact JSON escapes newlines inside strings, so one message is always one line.
                bytes = mapper.writeValueAsBytes(message);
            } catch (IOException e) {
                return Mono.error(e);
            }
            return Mono.fromFuture(CompletableFuture.runAsync(() -> write(bytes), writer));
        });
    }

    private void write(byte[] bytes) {
        try {
            OutputStream stdin = process.stdin();
            stdin.write(bytes);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            breakWith(closing.get() ? "connection closed" : "writing to the server failed: " + e.getMessage());
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Closes the server's stdin, the MCP way of asking a stdio server to exit; the process is ended elsewhere. */
    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::closeStdin);
    }

    void closeStdin() {
        if (closing.compareAndSet(false, true)) {
            // Behind queued writes, on the writer thread: closing must not race a write in progress.
            writer.execute(() -> {
                try {
                    process.stdin().close();
                } catch (IOException ignored) {
                    // Already closed by the process exiting.
                }
            });
            writer.shutdown();
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return mapper.convertValue(data, typeRef);
    }
}
