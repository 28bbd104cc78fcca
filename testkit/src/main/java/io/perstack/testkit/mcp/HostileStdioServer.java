package io.perstack.testkit.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The hostile MCP server over stdio: {@code java -cp <test class path> io.perstack.testkit.mcp.HostileStdioServer
 * [options]} (options on {@link Behaviour}). Writes one JSON message per line; with {@code --garbage-stdout} it
 * mixes in lines that are not JSON.
 */
public final class HostileStdioServer {
    private HostileStdioServer() {}

    public static void main(String[] args) throws IOException {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8));
        Behaviour behaviour = Behaviour.parse(List.of(args));
        if (behaviour.ignoreShutdown()) {
            // A shutdown hook that never returns keeps the JVM alive through SIGTERM; only SIGKILL ends it.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException ignored) {
                        // keep ignoring
                    }
                }
            }));
        }
        Object writeLock = new Object();
        HostileProtocol.Peer peer = new HostileProtocol.Peer() {
            @Override
            public void send(JsonNode message) {
                write(Json.write(message));
            }

            @Override
            public void garbage(String line) {
                write(line);
            }

            private void write(String line) {
                synchronized (writeLock) {
                    try {
                        stdout.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                        stdout.flush();
                    } catch (IOException e) {
                        Runtime.getRuntime().halt(4);
                    }
                }
            }
        };
        for (int i = 0; i < behaviour.floodStderr(); i++) {
            System.err.println("hostile stderr line " + i);
        }
        if (behaviour.garbageStdout()) {
            peer.garbage("hostile banner: not a JSON-RPC message");
        }
        for (String name : behaviour.stderrEnv()) {
            System.err.println("leaking " + name + "=" + System.getenv(name));
        }
        System.err.println("hostile server started");
        HostileProtocol protocol = new HostileProtocol(behaviour);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode message;
            try {
                message = Json.tree(line);
            } catch (RuntimeException e) {
                continue;
            }
            protocol.handle(message, peer);
        }
        if (behaviour.ignoreShutdown()) {
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException ignored) {
                    // keep running
                }
            }
        }
        System.exit(0);
    }
}
