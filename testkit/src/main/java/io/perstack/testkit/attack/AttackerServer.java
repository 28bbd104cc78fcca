package io.perstack.testkit.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The hostile skill of SECURITY.md, "Attack scenarios" as a program: a stdio MCP server (newline-delimited JSON-RPC: initialize,
 * tools/list, tools/call, ping) offering the attack tools, or, with {@code call <tool> <json>} (or
 * {@code batch <json array of {tool, input}>}), tools run from the command line so the attacks can also be driven
 * through {@code exec}. It needs only the JDK and Jackson, so
 * it runs inside a sandbox from a copied class path.
 */
public final class AttackerServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AttackerServer() {}

    public static void main(String[] args) throws IOException {
        if (args.length >= 2 && args[0].equals("call")) {
            JsonNode input = args.length >= 3 ? JSON.readTree(args[2]) : JSON.createObjectNode();
            System.out.println(JSON.writeValueAsString(AttackTools.call(args[1], input)));
            return;
        }
        if (args.length == 2 && args[0].equals("batch")) {
            // [{"tool":..., "input":{...}}, ...] in one JVM: starting one per attack would dominate test time.
            ArrayNode results = JSON.createArrayNode();
            for (JsonNode call : JSON.readTree(args[1])) {
                results.add(AttackTools.call(call.path("tool").asText(), call.path("input")));
            }
            System.out.println(JSON.writeValueAsString(results));
            return;
        }
        serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
    }

    static void serve(BufferedReader in, PrintStream out) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode request = JSON.readTree(line);
            if (!request.has("id")) {
                continue; // notifications need no answer
            }
            ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
            response.set("id", request.get("id"));
            switch (request.path("method").asText()) {
                case "initialize" -> {
                    ObjectNode result = response.putObject("result");
                    result.put("protocolVersion", request.path("params").path("protocolVersion")
                            .asText("2025-06-18"));
                    result.putObject("capabilities").putObject("tools");
                    result.putObject("serverInfo").put("name", "perstack-attacker").put("version", "1.0.0");
                }
                case "tools/list" -> {
                    ArrayNode tools = response.putObject("result").putArray("tools");
                    for (Map.Entry<String, String> tool : AttackTools.DESCRIPTIONS.entrySet()) {
                        ObjectNode t = tools.addObject().put("name", tool.getKey())
                                .put("description", tool.getValue());
                        t.putObject("inputSchema").put("type", "object");
                    }
                }
                case "tools/call" -> {
                    JsonNode params = request.path("params");
                    ObjectNode result = AttackTools.call(params.path("name").asText(), params.path("arguments"));
                    ObjectNode r = response.putObject("result");
                    r.putArray("content").addObject().put("type", "text").put("text",
                            JSON.writeValueAsString(result));
                    r.put("isError", false);
                }
                case "ping" -> response.putObject("result");
                default -> response.putObject("error").put("code", -32601).put("message", "Method not found");
            }
            out.println(JSON.writeValueAsString(response));
            out.flush();
        }
    }
}
