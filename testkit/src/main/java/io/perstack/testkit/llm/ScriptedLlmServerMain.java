package io.perstack.testkit.llm;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link ScriptedLlmServer} as its own process for benchmarks and demos:
 * {@code java … ScriptedLlmServerMain <script.json> [--port N] [--warm-up N]}. Prints one line
 * {@code {"baseUrl":"…"}} to stdout once listening, logs {@code <epochMillis> METHOD path} per request to stderr, and
 * runs until killed. Requests are not kept in memory, so arbitrarily long runs stay flat.
 *
 * <p>{@code --warm-up N} first answers N streaming requests of growing size from itself, so the JIT has compiled the
 * server's request path before the first real request: a benchmark should measure the client, not a cold server.
 */
public final class ScriptedLlmServerMain {

    private ScriptedLlmServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path scriptFile = null;
        int port = 0;
        int warmUp = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if (args[i].startsWith("--port=")) {
                port = Integer.parseInt(args[i].substring("--port=".length()));
            } else if (args[i].equals("--warm-up") && i + 1 < args.length) {
                warmUp = Integer.parseInt(args[++i]);
            } else if (scriptFile == null && !args[i].startsWith("--")) {
                scriptFile = Path.of(args[i]);
            } else {
                usage("unexpected argument: " + args[i]);
                return;
            }
        }
        if (scriptFile == null) {
            usage("missing script file");
            return;
        }
        Script script;
        try {
            script = Script.read(scriptFile);
        } catch (RuntimeException e) {
            System.err.println("scripted-llm: " + e.getMessage());
            System.exit(1);
            return;
        }
        warmUp(warmUp);
        PrintStream log = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        ScriptedLlmServer server = ScriptedLlmServer.start(script,
                new ScriptedLlmServer.Options(port, false, r -> log.println(r.receivedAt().toEpochMilli() + " " + r.method() + " " + r.path())));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        // The single stdout line is the contract with whoever launched us: it carries the ephemeral port.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("{\"baseUrl\":\"" + server.baseUrl() + "\"}");
        stopped.await();
    }

    private static void warmUp(int requests) {
        if (requests <= 0) {
            return;
        }
        Script script = new Script(java.util.List.of(), Reply.toolCall("toolu_warm", "readTextFile", "{\"path\":\"a\"}"));
        try (ScriptedLlmServer server = ScriptedLlmServer.start(script, new ScriptedLlmServer.Options(0, false, r -> { }));
             java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            java.net.URI uri = java.net.URI.create(server.baseUrl() + "/v1/messages");
            StringBuilder history = new StringBuilder();
            for (int i = 0; i < requests; i++) {
                history.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"")
                        .append("step output ".repeat(64)).append("\"}");
                String body = "{\"model\":\"warm\",\"max_tokens\":10,\"stream\":true,\"messages\":[" + history + "]}";
                java.net.http.HttpResponse<byte[]> r = client.send(java.net.http.HttpRequest.newBuilder(uri)
                        .header("content-type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("warm-up request answered " + r.statusCode());
                }
                if (history.length() > 400_000) {
                    history.setLength(0);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void usage(String problem) {
        System.err.println("scripted-llm: " + problem);
        System.err.println("usage: ScriptedLlmServerMain <script.json> [--port N] [--warm-up N]");
        System.exit(2);
    }
}
