package io.perstack.skills.base;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stdio MCP server (docs/base-skill.md §7) as a real child JVM spoken to in newline-delimited JSON-RPC 2.0. */
class BaseSkillMcpServerProcessTest {
    @TempDir
    Path ws;

    @TempDir
    Path logs;

    private Process server;
    private OutputStream in;
    private BufferedReader out;

    @BeforeEach
    void start() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "io.perstack.base.mcp.BaseSkillMcpServer", "--workspace",
                ws.toString())
                .redirectError(logs.resolve("stderr.txt").toFile()).start();
        in = server.getOutputStream();
        out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private void send(String line) throws Exception {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private JsonNode receive() throws Exception {
        String line = out.readLine();
        assertThat(line).as("response line").isNotNull();
        JsonNode json = Json.tree(line);
        assertThat(json.path("jsonrpc").asText()).isEqualTo("2.0");
        return json;
    }

    private JsonNode call(int id, String tool, String arguments) throws Exception {
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}");
        JsonNode response = receive();
        assertThat(response.path("id").asInt()).isEqualTo(id);
        return response.path("result");
    }

    private static JsonNode text(JsonNode result) {
        assertThat(result.path("content").get(0).path("type").asText()).isEqualTo("text");
        return Json.tree(result.path("content").get(0).path("text").asText());
    }

    @Test
    void speaksMcpOverStdioWithTheSeventeenTools() throws Exception {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
        JsonNode init = receive();
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        JsonNode list = receive();

        assertThat(init.path("id").asInt()).isEqualTo(1);
        assertThat(init.path("result").path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("@perstack/base");
        assertThat(init.path("result").path("serverInfo").path("version").asText()).isEqualTo("0.1.0");
        assertThat(init.path("result").path("capabilities").has("tools")).isTrue();
        assertThat(list.path("id").asInt()).isEqualTo(2);
        assertThat(list.path("result").path("tools").findValuesAsText("name")).hasSize(17)
                .contains("exec", "readPdfFile", "deleteDirectory");
        assertThat(list.path("result").path("tools").get(0).path("inputSchema").path("type").asText())
                .isEqualTo("object");
        String stderr = Files.readString(logs.resolve("stderr.txt"));
        assertThat(stderr).startsWith("Running @perstack/base (perstack for the JVM 0.1.0)");
    }

    @Test
    void toolCallsActOnTheWorkspaceAndFailuresAreResults() throws Exception {
        Files.write(ws.resolve("p.png"), new byte[] {1, 2, 3, 4});

        JsonNode write = call(1, "writeTextFile", "{\"path\":\"d/a.txt\",\"text\":\"hi\"}");
        JsonNode image = call(2, "readImageFile", "{\"path\":\"p.png\"}");
        JsonNode escape = call(3, "readTextFile", "{\"path\":\"../outside.txt\"}");
        JsonNode exec = call(4, "exec", "{\"command\":\"cat\",\"args\":[\"d/a.txt\"],\"env\":{},\"cwd\":\".\","
                + "\"stdout\":true,\"stderr\":true}");

        assertThat(write.path("isError").asBoolean()).isFalse();
        assertThat(ws.resolve("d/a.txt")).hasContent("hi");
        assertThat(text(image).path("mimeType").asText()).isEqualTo("image/png");
        assertThat(text(image).path("size").asInt()).isEqualTo(4);
        assertThat(text(image).path("path").asText()).isEqualTo(ws.toRealPath().resolve("p.png").toString());
        assertThat(escape.path("isError").asBoolean()).isTrue();
        assertThat(text(escape).path("message").asText()).startsWith("Access denied - path outside allowed");
        assertThat(text(exec).path("output").asText()).isEqualTo("hi");
    }

    @Test
    void theTodoListLivesAcrossCallsOfOneServer() throws Exception {
        call(1, "todo", "{\"newTodos\":[\"a\",\"b\"]}");
        JsonNode second = call(2, "todo", "{\"completedTodos\":[0]}");
        JsonNode completion = call(3, "attemptCompletion", "{}");

        assertThat(text(second).path("todos").findValuesAsText("title")).containsExactly("a", "b");
        assertThat(text(second).path("todos").get(0).path("completed").asBoolean()).isTrue();
        assertThat(text(completion).path("remainingTodos").findValuesAsText("title")).containsExactly("b");
    }

    @Test
    void protocolErrorsAreAnsweredAndStdoutCarriesOnlyJsonRpc() throws Exception {
        send("this is not json");
        JsonNode parse = receive();
        send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"nope\"}");
        JsonNode unknown = receive();
        send("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"think\"}}");
        JsonNode unknownTool = receive();
        send("{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}");
        JsonNode ping = receive();

        assertThat(parse.get("id").isNull()).isTrue();
        assertThat(parse.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(unknownTool.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(ping.path("id").asText()).isEqualTo("p");
        assertThat(ping.path("result").isObject()).isTrue();

        in.close();
        assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isZero();
        List<String> rest = out.lines().toList();
        assertThat(rest).isEmpty();
    }
}
