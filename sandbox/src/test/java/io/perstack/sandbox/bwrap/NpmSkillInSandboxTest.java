package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.LaunchedProcess;
import io.perstack.sandbox.egress.JobAllowlist;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real npm MCP server as a skill inside the sandbox: {@code npx} installs it from registry.npmjs.org through
 * the egress proxy (the registry is on the job's allowlist because the skill uses npx), then it answers MCP over
 * stdio. This is the one test that needs the public registry.
 */
class NpmSkillInSandboxTest {
    private static final String PACKAGE = "@modelcontextprotocol/server-memory@2026.8.31";

    @TempDir
    Path ws;

    @Test
    void anNpxSkillInstallsThroughTheProxyAndSpeaksMcpOverStdio() throws Exception {
        SkillConfig memory = new SkillConfig.McpStdio("memory", null, null, null, null, "npx", null,
                List.of("-y", PACKAGE), List.of(), List.of(), false);
        Map<String, SkillConfig> skills = new LinkedHashMap<>();
        skills.put("memory", memory);
        List<String> allowlist = JobAllowlist.of("e", Map.of("e", new ExpertConfig("e", "e", null, null, "d", "i",
                null, null, skills, null, null, null)));
        Sandboxes.Events events = new Sandboxes.Events();
        try (Sandbox sandbox = Sandboxes.open(ws, List.of(), List.of(), allowlist, null, List.of(), events, null)) {
            LaunchSpec spec = new LaunchSpec(List.of("npx", "-y", PACKAGE), ws,
                    Sandbox.environment(Sandboxes.HOST_ENV, List.of()).forSkill("memory", List.of()), null,
                    LaunchSpec.Stdin.PIPE);
            try (LaunchedProcess p = sandbox.launcher("memory").launch(spec)) {
                CompletableFuture<String> stderr = Sandboxes.drain(p.stderr());
                BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8));
                OutputStream in = p.stdin();
                send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
                String initialized = CompletableFuture.supplyAsync(() -> readResponse(out, 1))
                        .get(180, TimeUnit.SECONDS);
                send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
                String tools = CompletableFuture.supplyAsync(() -> readResponse(out, 2)).get(30, TimeUnit.SECONDS);

                assertThat(initialized).as(stderr.getNow("")).contains("\"serverInfo\"");
                assertThat(tools).contains("\"create_entities\"");
            }
        }
        assertThat(events.snapshot()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.action()).isEqualTo("allowed");
            assertThat(e.domain()).isEqualTo("registry.npmjs.org");
            assertThat(e.skillName()).isEqualTo("memory");
        });
        assertThat(allowlist).containsExactly("registry.npmjs.org");
    }

    private static void send(OutputStream in, String line) throws java.io.IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static String readResponse(BufferedReader out, int id) {
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.contains("\"id\":" + id)) {
                    return line;
                }
            }
            return "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
