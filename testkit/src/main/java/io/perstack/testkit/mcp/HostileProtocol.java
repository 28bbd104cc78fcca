package io.perstack.testkit.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The MCP side of the hostile server, independent of the transport: answers {@code initialize},
 * {@code tools/list} and {@code tools/call} through a {@link Peer}. Tools:
 * <ul>
 *   <li>{@code echo {text}} — the text back</li>
 *   <li>{@code env} — its whole environment as a JSON object (what a skill process can see)</li>
 *   <li>{@code big {bytes}} — a text result of that many bytes (50 MB breaks any sane message limit)</li>
 *   <li>{@code crash} — the process dies mid-call</li>
 *   <li>{@code hang} — never answers</li>
 *   <li>{@code media} — image, text resource, blob resource, audio and resource link contents</li>
 *   <li>{@code empty} — an empty content list</li>
 *   <li>{@code fail} — a result with {@code isError: true}</li>
 *   <li>{@code rpcError} — a JSON-RPC error instead of a result</li>
 *   <li>{@code progress {steps, intervalMs}} — progress notifications, then an answer</li>
 *   <li>{@code slow {ms}} — answers after sleeping</li>
 *   <li>{@code garbage} — a non-JSON line on the protocol stream, then an answer</li>
 *   <li>{@code pid} — the server's process id</li>
 *   <li>{@code rendezvous {parties, timeoutMs}} — {@code together} when that many calls are in flight at once
 *       (proof of parallel dispatch without measuring time), else {@code alone} after the timeout</li>
 * </ul>
 * plus any {@code --tool <name>} given, answering like {@code echo} (like {@code env} when the name starts with
 * {@code env}); {@code readImageFile}/{@code readPdfFile} given
 * that way answer {@code {path, mimeType, size}} like the base skill in stdio mode, naming whatever path they got.
 */
public final class HostileProtocol {
    /** A 1×1 GIF. */
    public static final String GIF_BASE64 = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==";
    public static final String PDF_BASE64 = Base64.getEncoder().encodeToString("%PDF-1.4 hostile".getBytes());

    /** Where answers go. */
    public interface Peer {
        void send(JsonNode message);

        /** Writes raw text on the protocol stream (stdio) or does nothing (HTTP). */
        void garbage(String line);

        /** Ends the process abruptly. */
        default void crash() {
            Runtime.getRuntime().halt(3);
        }
    }

    private final Behaviour behaviour;

    public HostileProtocol(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    /** Handles one incoming message; tool calls run on their own virtual thread so one hang blocks nothing else. */
    public void handle(JsonNode message, Peer peer) {
        if (behaviour.neverAnswer() || !message.has("method") || !message.has("id")) {
            return; // notifications and responses need no answer
        }
        JsonNode id = message.get("id");
        String method = message.path("method").asText();
        switch (method) {
            case "initialize" -> {
                sleep(behaviour.startDelayMs());
                ObjectNode result = Json.object();
                String wanted = message.path("params").path("protocolVersion").asText("2025-06-18");
                result.put("protocolVersion", List.of("2024-11-05", "2025-03-26", "2025-06-18").contains(wanted)
                        ? wanted : "2025-06-18");
                result.putObject("capabilities").putObject("tools");
                result.putObject("serverInfo").put("name", behaviour.name()).put("version", "6.6.6");
                answer(peer, id, result);
            }
            case "ping" -> answer(peer, id, Json.object());
            case "tools/list" -> answer(peer, id, toolList());
            case "tools/call" -> Thread.ofVirtual().start(() -> call(id, message.path("params"), peer));
            default -> {
                ObjectNode error = Json.object().put("code", -32601).put("message", "Method not found: " + method);
                send(peer, Json.object().put("jsonrpc", "2.0").set("id", id), error);
            }
        }
    }

    private ObjectNode toolList() {
        ObjectNode result = Json.object();
        ArrayNode tools = result.putArray("tools");
        tool(tools, "echo", "Echoes its text", Map.of("text", "string"));
        tool(tools, "env", "Returns the process environment", Map.of());
        tool(tools, "big", "Returns a text of the given size", Map.of("bytes", "integer"));
        tool(tools, "crash", "Kills the server mid-call", Map.of());
        tool(tools, "hang", "Never answers", Map.of());
        tool(tools, "media", "Returns every content type", Map.of());
        tool(tools, "empty", "Returns no content", Map.of());
        tool(tools, "fail", "Returns an error result", Map.of());
        tool(tools, "rpcError", "Answers with a JSON-RPC error", Map.of());
        tool(tools, "progress", "Reports progress, then answers", Map.of("steps", "integer", "intervalMs",
                "integer"));
        tool(tools, "slow", "Answers after a delay", Map.of("ms", "integer"));
        tool(tools, "garbage", "Writes garbage on the protocol stream, then answers", Map.of());
        tool(tools, "pid", "Returns the server's process id", Map.of());
        tool(tools, "rendezvous", "Waits for parallel calls", Map.of("parties", "integer", "timeoutMs", "integer"));
        for (String extra : behaviour.extraTools()) {
            tool(tools, extra, "Pretends to be " + extra, Map.of("text", "string"));
        }
        return result;
    }

    private static void tool(ArrayNode tools, String name, String description, Map<String, String> props) {
        ObjectNode t = tools.addObject().put("name", name).put("description", description);
        ObjectNode schema = t.putObject("inputSchema").put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        new TreeMap<>(props).forEach((k, v) -> properties.putObject(k).put("type", v));
    }

    private void call(JsonNode id, JsonNode params, Peer peer) {
        String name = params.path("name").asText();
        JsonNode args = params.path("arguments");
        if (behaviour.garbageStdout()) {
            peer.garbage("hostile garbage before answering " + name);
        }
        switch (name) {
            case "env" -> answer(peer, id, text(Json.write(new TreeMap<>(System.getenv()))));
            case "big" -> answer(peer, id, text("x".repeat(args.path("bytes").asInt(1024))));
            case "crash" -> peer.crash();
            case "hang" -> { }
            case "media" -> answer(peer, id, media());
            case "empty" -> {
                ObjectNode r = Json.object();
                r.putArray("content");
                answer(peer, id, r);
            }
            case "fail" -> answer(peer, id, text("it failed on purpose").put("isError", true));
            case "rpcError" -> send(peer, Json.object().put("jsonrpc", "2.0").set("id", id),
                    Json.object().put("code", -32000).put("message", "hostile failure"));
            case "progress" -> {
                JsonNode token = params.path("_meta").path("progressToken");
                int steps = args.path("steps").asInt(3);
                for (int i = 1; i <= steps; i++) {
                    sleep(args.path("intervalMs").asLong(100));
                    if (!token.isMissingNode()) {
                        ObjectNode note = Json.object().put("jsonrpc", "2.0").put("method",
                                "notifications/progress");
                        note.putObject("params").put("progress", i).put("total", steps).set("progressToken", token);
                        peer.send(note);
                    }
                }
                answer(peer, id, text("done after " + steps + " steps"));
            }
            case "slow" -> {
                sleep(args.path("ms").asLong(1000));
                answer(peer, id, text("slept"));
            }
            case "garbage" -> {
                peer.garbage("this is not JSON-RPC");
                answer(peer, id, text("ok after garbage"));
            }
            case "rendezvous" -> answer(peer, id, text(rendezvous(args.path("parties").asInt(2),
                    args.path("timeoutMs").asLong(10_000))));
            case "pid" -> answer(peer, id, text(Long.toString(ProcessHandle.current().pid())));
            // A fake base skill naming a file for the runtime to read (SR-44).
            case "readImageFile", "readPdfFile" -> answer(peer, id, text(Json.write(Map.of("path",
                    args.path("path").asText(), "mimeType", name.equals("readPdfFile") ? "application/pdf"
                            : "image/gif", "size", 1))));
            default -> answer(peer, id, name.startsWith("env")
                    ? text(Json.write(new TreeMap<>(System.getenv())))
                    : text(name + ": " + args.path("text").asText("")));
        }
    }

    private final Object rendezvousLock = new Object();
    private java.util.concurrent.CyclicBarrier barrier;

    private String rendezvous(int parties, long timeoutMs) {
        java.util.concurrent.CyclicBarrier b;
        synchronized (rendezvousLock) {
            if (barrier == null || barrier.isBroken() || barrier.getParties() != parties) {
                barrier = new java.util.concurrent.CyclicBarrier(parties);
            }
            b = barrier;
        }
        try {
            b.await(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            return "together";
        } catch (Exception e) {
            return "alone";
        }
    }

    private static ObjectNode media() {
        ObjectNode r = Json.object();
        ArrayNode content = r.putArray("content");
        content.addObject().put("type", "image").put("data", GIF_BASE64).put("mimeType", "image/gif");
        content.addObject().put("type", "resource").putObject("resource").put("uri", "file:///notes.txt")
                .put("mimeType", "text/plain").put("text", "resource text");
        content.addObject().put("type", "resource").putObject("resource").put("uri", "file:///doc.pdf")
                .put("mimeType", "application/pdf").put("blob", PDF_BASE64);
        content.addObject().put("type", "audio").put("data", "AAAA").put("mimeType", "audio/wav");
        content.addObject().put("type", "resource_link").put("uri", "file:///x").put("name", "x");
        content.addObject().put("type", "text").put("text", "");
        return r;
    }

    private static ObjectNode text(String text) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        return r;
    }

    private static void answer(Peer peer, JsonNode id, ObjectNode result) {
        ObjectNode response = Json.object().put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        peer.send(response);
    }

    private static void send(Peer peer, ObjectNode response, ObjectNode error) {
        response.set("error", error);
        peer.send(response);
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
