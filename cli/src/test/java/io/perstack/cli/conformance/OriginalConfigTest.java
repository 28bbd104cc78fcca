package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unmodified TypeScript-Perstack {@code perstack.toml} whose Expert only uses base control tools runs as is. */
class OriginalConfigTest {
    /** Written the way the TypeScript suite's bundled-base fixture is: the base skill as an npx stdio skill. */
    private static final String BUNDLED_BASE = """
            model = "claude-sonnet-4-5"
            reasoningBudget = "low"
            envPath = [".env"]

            [provider]
            providerName = "anthropic"

            [experts."e2e-bundled-base"]
            version = "1.0.0"
            description = "Checks its own health and finishes"
            instruction = \"""
            Call healthCheck, then finish with attemptCompletion.
            \"""
            tags = ["e2e"]

            [experts."e2e-bundled-base".skills."@perstack/base"]
            type = "mcpStdioSkill"
            description = "Base skill"
            command = "npx"
            packageName = "@perstack/base"
            pick = ["attemptCompletion", "healthCheck"]
            """;

    @TempDir
    Path dir;

    @Test
    void bundledBaseFixtureRunsInProcessWithOnlyThePickedTools() {
        try (Scenario s = Scenario.of(dir, BUNDLED_BASE, """
                {"replies":[
                  {"toolCalls":[{"id":"toolu_1","name":"healthCheck","input":{}}]},
                  {"toolCalls":[{"id":"toolu_2","name":"attemptCompletion","input":{}}]},
                  {"text":"All healthy."}]}""")) {
            CliRun run = s.run("e2e-bundled-base", "Check yourself");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stateTypes()).containsSubsequence("startRun", "callTools", "resolveToolResults",
                    "callTools", "attemptCompletion", "completeRun");
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("All healthy.");

            List<String> offered = new ArrayList<>();
            for (JsonNode tool : s.server().requests().getFirst().body().path("tools")) {
                offered.add(tool.path("name").asText());
            }
            assertThat(offered).containsExactlyInAnyOrder("attemptCompletion", "healthCheck");
            // The result generation is asked for text only.
            assertThat(s.server().requests().get(2).body().path("tools").size()).isZero();

            JsonNode connected = run.first("skillConnected");
            assertThat(connected.path("skillName").asText()).isEqualTo("@perstack/base");
            assertThat(connected.path("spawnDurationMs").asLong()).isZero();
            String health = s.server().requests().get(1).bodyText();
            assertThat(health).contains("\\\"status\\\":\\\"ok\\\"");
        }
    }
}
