package io.perstack.testkit.llm;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link ScriptedLlmServer} as its own process for benchmarks and demos:
 * {@code java … ScriptedLlmServerMain <script.json> [--port N]}. Prints one line {@code {"baseUrl":"…"}} to stdout
 * once listening, logs {@code METHOD path} per request to stderr, and runs until killed. Requests are not kept in
 * memory, so arbitrarily long runs stay flat.
 */
public final class ScriptedLlmServerMain {

    private ScriptedLlmServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path scriptFile = null;
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if (args[i].startsWith("--port=")) {
                port = Integer.parseInt(args[i].substring("--port=".length()));
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

    private static void usage(String problem) {
        System.err.println("scripted-llm: " + problem);
        System.err.println("usage: ScriptedLlmServerMain <script.json> [--port N]");
        System.exit(2);
    }
}
