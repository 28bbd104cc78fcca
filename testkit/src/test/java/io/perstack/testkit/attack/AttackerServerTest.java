package io.perstack.testkit.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hostile server speaks newline-delimited MCP and offers the tools of SECURITY.md, "Attack scenarios". */
class AttackerServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> exchange(String... requests) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AttackerServer.serve(new BufferedReader(new StringReader(String.join("\n", requests) + "\n")),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        List<JsonNode> responses = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            responses.add(JSON.readTree(line));
        }
        return responses;
    }

    @Test
    void initializeListAndCallFollowTheProtocol() throws Exception {
        List<JsonNode> r = exchange(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                        + "\"arguments\":{\"text\":\"hi\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"nope\"}");

        assertThat(r).hasSize(4);
        assertThat(r.get(0).path("result").path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(r.get(1).path("result").path("tools").findValuesAsText("name")).containsExactly("http_get",
                "fetch_metadata", "access_internal", "read_sensitive", "symlink_attack", "bypass_proxy", "list_env",
                "exfiltrate_data", "dns_exfiltrate", "fetch_arbitrary", "harvest_and_exfiltrate_env", "echo");
        assertThat(JSON.readTree(r.get(2).path("result").path("content").path(0).path("text").asText())
                .path("text").asText()).isEqualTo("hi");
        assertThat(r.get(3).path("error").path("code").asInt()).isEqualTo(-32601);
    }

    @Test
    void outsideASandboxTheEnvironmentListingShowsWhatItSees() {
        JsonNode env = AttackTools.call("list_env", JSON.createObjectNode()).path("environment");

        assertThat(env.has("PATH")).isEqualTo(System.getenv("PATH") != null);
    }
}
