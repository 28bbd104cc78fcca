package io.perstack.testkit.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptedLlmServerMainTest {

    @Test
    void runs_as_a_process_printing_its_base_url_and_logging_requests(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("script.json");
        Script.of(Reply.text("from the process")).write(script);
        Path stderr = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ScriptedLlmServerMain.class.getName(),
                script.toString())
                .redirectError(stderr.toFile())
                .start();
        try {
            BufferedReader stdout = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = stdout.readLine();
            JsonNode announced = Json.tree(line);
            assertThat(announced.size()).isEqualTo(1);
            String baseUrl = announced.path("baseUrl").asText();
            assertThat(baseUrl).matches("http://127\\.0\\.0\\.1:\\d+");

            var response = WireClient.post(baseUrl + "/v1/messages", "{\"model\":\"m\",\"messages\":[]}");

            assertThat(Json.tree(response.body()).path("content").path(0).path("text").asText())
                    .isEqualTo("from the process");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!Files.readString(stderr).contains("POST /v1/messages") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(Files.readString(stderr)).contains("POST /v1/messages");
            assertThat(process.isAlive()).isTrue();
        } finally {
            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void a_missing_script_argument_exits_with_usage() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ScriptedLlmServerMain.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("usage: ScriptedLlmServerMain <script.json> [--port N]");
    }
}
