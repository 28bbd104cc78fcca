package io.perstack.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.perstack.core.config.RuntimeKind;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;

/**
 * Hidden: the workload the launcher records into the JVM's ahead-of-time cache (JEP 483/514) after a build, so later
 * starts find the classes of a real run already loaded and linked. It runs one two-step job against a canned
 * Anthropic endpoint on loopback, in an empty directory the launcher created, with a clean environment.
 */
@Command(name = "aot-training", hidden = true, description = "Record the start-up cache (used by bin/perstack)")
final class AotTrainingCommand implements Callable<Integer> {
    private static final String TOOL_USE = event("message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_t1\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
                    + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}")
            + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                    + "{\"type\":\"tool_use\",\"id\":\"toolu_t1\",\"name\":\"healthCheck\",\"input\":{}}}")
            + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
            + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                    + "\"usage\":{\"output_tokens\":5}}")
            + event("message_stop", "{\"type\":\"message_stop\"}");
    private static final String TEXT = event("message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_t2\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
                    + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}")
            + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                    + "{\"type\":\"text\",\"text\":\"\"}}")
            + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"text_delta\",\"text\":\"ok\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
            + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":1}}")
            + event("message_stop", "{\"type\":\"message_stop\"}");

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    @Override
    public Integer call() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                // Never write a config or .env into a real project.
                throw new UserError("aot-training runs only in an empty directory");
            }
        }
        AtomicInteger served = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/messages", exchange -> answer(exchange,
                served.getAndIncrement() == 0 ? TOOL_USE : TEXT));
        server.start();
        PrintStream out = System.out;
        try {
            Files.writeString(dir.resolve("perstack.toml"), """
                    reasoningBudget = "none"
                    [experts."trainer"]
                    instruction = "Check health, then answer."
                    """);
            Files.writeString(dir.resolve(".env"), "ANTHROPIC_API_KEY=aot-training\nANTHROPIC_BASE_URL=http://127.0.0.1:"
                    + server.getAddress().getPort() + "/v1\n");
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            return Main.execute("run", "trainer", "Train", "--runtime", RuntimeKind.LOCAL.wireName());
        } finally {
            System.setOut(out);
            server.stop(0);
        }
    }

    private static void answer(HttpExchange exchange, String sse) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] body = sse.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
