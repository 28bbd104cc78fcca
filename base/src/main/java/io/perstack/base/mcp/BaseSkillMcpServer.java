package io.perstack.base.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.BaseSkill;
import io.perstack.base.BaseSkillOptions;
import io.perstack.base.BaseToolResult;
import io.perstack.core.config.RuntimeKind;
import io.perstack.core.json.Json;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.core.tool.ToolDefinition;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seventeen base tools over MCP stdio: newline-delimited JSON-RPC 2.0 on stdin/stdout (initialize, ping,
 * tools/list, tools/call, notifications). Written directly on Jackson rather than the MCP SDK: the protocol surface is
 * five methods, and owning the loop keeps stdout free of anything but protocol lines. Diagnostics go to stderr.
 */
public final class BaseSkillMcpServer {
    public static final String SERVER_NAME = "@perstack/base";
    static final String LATEST_PROTOCOL = "2025-06-18";
    private static final Set<String> PROTOCOLS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");
    // One message may carry a 64 MiB file's text; anything larger is refused rather than buffered.
    private static final int MAX_MESSAGE = 80 * 1024 * 1024;

    private final BaseSkill skill;
    private final String version;
    private final Object todoLock = new Object();
    private Todo todos = Todo.EMPTY;
    private OutputStream out;

    public BaseSkillMcpServer(BaseSkill skill, String version) {
        this.skill = skill;
        this.version = version;
    }

    /** {@code [--workspace <dir>]}; the workspace defaults to the current directory. */
    public static void main(String[] args) throws IOException {
        // Claim the real stdout for the protocol before anything can print to it; stray prints land on stderr.
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Path workspace = Path.of("");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--workspace") && i + 1 < args.length) {
                workspace = Path.of(args[++i]);
            } else {
                System.err.println("Usage: base-skill [--workspace <dir>]");
                System.exit(2);
            }
        }
        Path root = workspace.toAbsolutePath().toRealPath();
        List<Path> denied = new ArrayList<>();
        String storage = System.getenv("PERSTACK_STORAGE_PATH");
        if (storage != null && !storage.isBlank()) {
            denied.add(root.resolve(storage));
        }
        // The process already runs inside its backend: exec starts direct children with the safe environment.
        BaseSkillOptions options = new BaseSkillOptions(root, root.toString(), denied, List.of(), localLauncher(),
                EnvironmentPolicy.local(System.getenv(), List.of()), false);
        String version = productVersion();
        try (BaseSkill skill = BaseSkill.create(options)) {
            System.err.println("Running " + SERVER_NAME + " (perstack for the JVM " + version + ")");
            new BaseSkillMcpServer(skill, version).serve(System.in, protocol);
        }
    }

    private static ProcessLauncher localLauncher() {
        for (ProcessLauncher launcher : ServiceLoader.load(ProcessLauncher.class)) {
            if (RuntimeKind.LOCAL.is(launcher.name())) {
                return launcher;
            }
        }
        log().warn("[{}] no process launcher on the class path; exec is unavailable", SERVER_NAME);
        return null;
    }

    /** The version the build wrote into {@code version.properties}. */
    public static String productVersion() {
        Properties p = new Properties();
        try (InputStream in = BaseSkillMcpServer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to the default
        }
        String v = p.getProperty("version", "");
        return v.isEmpty() || v.startsWith("${") ? "0.0.0" : v;
    }

    /** Serves until stdin ends; tool calls run concurrently, so a long {@code exec} does not block a ping. */
    public void serve(InputStream in, OutputStream output) throws IOException {
        this.out = output;
        BufferedInputStream input = new BufferedInputStream(in);
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            while (true) {
                byte[] line = readLine(input);
                if (line == null) {
                    break;
                }
                if (line.length == 0) {
                    continue;
                }
                if (line.length > MAX_MESSAGE) {
                    send(error(null, -32700, "Parse error: message too large"));
                    continue;
                }
                JsonNode message;
                try {
                    message = Json.mapper().readTree(line);
                } catch (IOException e) {
                    send(error(null, -32700, "Parse error"));
                    continue;
                }
                if (message.isArray()) {
                    for (JsonNode item : message) {
                        calls.submit(() -> handle(item));
                    }
                } else {
                    calls.submit(() -> handle(message));
                }
            }
            calls.shutdown();
            calls.awaitTermination(1, TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One line without its terminator; {@code null} at end of input. Oversized lines are skipped, not kept. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean oversized = false;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() <= MAX_MESSAGE) {
                line.write(b);
            } else {
                oversized = true;
            }
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        return oversized ? new byte[MAX_MESSAGE + 1] : java.util.Arrays.copyOf(bytes, end);
    }

    private void handle(JsonNode message) {
        try {
            if (!message.isObject() || !message.path("method").isTextual()) {
                // A response to a request we never send, or garbage: answer only what carries an id.
                if (message.has("id") && !message.has("result") && !message.has("error")) {
                    send(error(message.get("id"), -32600, "Invalid Request"));
                }
                return;
            }
            JsonNode id = message.get("id");
            String method = message.get("method").asText();
            if (id == null || id.isNull()) {
                return; // notifications (initialized, cancelled, …) need no answer
            }
            JsonNode params = message.path("params");
            switch (method) {
                case "initialize" -> send(result(id, initialize(params)));
                case "ping" -> send(result(id, Json.object()));
                case "tools/list" -> send(result(id, toolsList()));
                case "tools/call" -> send(toolsCall(id, params));
                default -> send(error(id, -32601, "Method not found: " + method));
            }
        } catch (IOException e) {
            log().warn("[{}] cannot write response: {}", SERVER_NAME, e.getMessage());
        } catch (RuntimeException e) {
            log().error("[{}] request failed", SERVER_NAME, e);
        }
    }

    private ObjectNode initialize(JsonNode params) {
        String requested = params.path("protocolVersion").asText("");
        ObjectNode result = Json.object().put("protocolVersion",
                PROTOCOLS.contains(requested) ? requested : LATEST_PROTOCOL);
        result.putObject("capabilities").putObject("tools").put("listChanged", false);
        result.putObject("serverInfo").put("name", SERVER_NAME).put("version", version);
        return result;
    }

    private ObjectNode toolsList() {
        ObjectNode result = Json.object();
        ArrayNode tools = result.putArray("tools");
        for (ToolDefinition tool : skill.tools()) {
            tools.addObject().put("name", tool.name()).put("description", tool.description())
                    .set("inputSchema", tool.inputSchema());
        }
        return result;
    }

    private ObjectNode toolsCall(JsonNode id, JsonNode params) {
        String name = params.path("name").asText("");
        if (skill.tools().stream().noneMatch(t -> t.name().equals(name))) {
            return error(id, -32602, "Unknown tool: " + name);
        }
        JsonNode arguments = params.path("arguments");
        BaseToolResult outcome;
        if (skill.usesTodos(name)) {
            // The list belongs to the one conversation this process serves; calls on it are serialised.
            synchronized (todoLock) {
                outcome = skill.call(name, arguments, todos);
                todos = outcome.todos();
            }
        } else {
            outcome = skill.call(name, arguments, Todo.EMPTY);
        }
        ObjectNode result = Json.object();
        ArrayNode content = result.putArray("content");
        for (MessagePart.ResultContent part : outcome.contents()) {
            switch (part) {
                case MessagePart.TextPart t -> content.addObject().put("type", "text").put("text", t.text());
                case MessagePart.ImageInlinePart img -> content.addObject().put("type", "image")
                        .put("data", img.encodedData()).put("mimeType", img.mimeType());
                case MessagePart.FileInlinePart file -> {
                    ObjectNode resource = content.addObject().put("type", "resource").putObject("resource");
                    resource.put("uri", "file:///inline").put("mimeType", file.mimeType())
                            .put("blob", file.encodedData());
                }
            }
        }
        result.put("isError", outcome.isError());
        return result(id, result);
    }

    private static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode response = Json.object().put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response;
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode response = Json.object().put("jsonrpc", "2.0");
        response.set("id", id == null ? Json.mapper().nullNode() : id);
        response.putObject("error").put("code", code).put("message", message);
        return response;
    }

    private void send(ObjectNode message) throws IOException {
        byte[] bytes = Json.writeBytes(message);
        synchronized (this) {
            out.write(bytes);
            out.write('\n');
            out.flush();
        }
    }

    /** Looked up only when there is something to say, so a quiet server never initialises logging. */
    private static Logger log() {
        return LoggerFactory.getLogger(BaseSkillMcpServer.class);
    }
}
