package io.perstack.cli.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code perstack run} on a real terminal (tmux) shows the live view; anything else still gets JSON lines. */
class LiveViewTerminalTest {
    static final String TOML = """
            model = "claude-sonnet-4-5"

            [experts."coordinator"]
            description = "Delegates, then asks the user"
            instruction = "Ask the helper, then ask the user."
            delegates = ["helper"]

            [experts."coordinator".skills."@perstack/base"]
            type = "mcpStdioSkill"
            command = "npx"
            packageName = "@perstack/base"

            [experts."coordinator".skills."user-input"]
            type = "interactiveSkill"
            description = "Asks the user"
            rule = "Ask before acting."

            [experts."coordinator".skills."user-input".tools."askUser"]
            description = "Asks the user a question"
            inputJsonSchema = '{"type":"object","properties":{"question":{"type":"string"}},"required":["question"]}'

            [experts."helper"]
            description = "Helps"
            instruction = "Help."
            """;

    /** Delegation, a slowly streamed final answer of the helper, then an interactive question. */
    static final String SCRIPT = """
            {"replies":[
              {"toolCalls":[{"id":"toolu_help","name":"helper","input":{"query":"Find the answer"}}],
               "usage":{"input":1000,"output":200}},
              {"toolCalls":[{"id":"toolu_done","name":"attemptCompletion","input":{}}],
               "usage":{"input":300,"output":20}},
              {"text":"The helper found forty-two after a long and careful search of every drawer.",
               "chunkDelayMs":100, "usage":{"input":500,"output":110}},
              {"toolCalls":[{"id":"toolu_ask","name":"askUser","input":{"question":"Shall I proceed?"}}],
               "usage":{"input":1200,"output":50}},
              {"text":"Done, as you wished."}]}""";

    @TempDir
    Path dir;

    @Test
    void terminalShowsTheExpertTreeStreamingTextAndTheCommandThatAnswersTheQuestion() throws IOException {
        Files.writeString(dir.resolve("perstack.toml"), TOML);
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse(SCRIPT));
             TmuxPane pane = TmuxPane.start(dir, env(server), null,
                     "run", "coordinator", "Do the thing", "--runtime", "local")) {
            String streaming = pane.await(s -> s.contains("Generating… The helper found"));
            assertThat(streaming).contains("▶ coordinator  Do the thing", "  ● helper(query: Find the answer)",
                    "● coordinator · step 1 · waiting for delegates", "  └ helper · step 2 · writing the answer");

            String end = pane.awaitText("[exit 0]");
            String jobId = onlyJobId();
            assertThat(end).contains(
                    "  └ helper  Find the answer",
                    "  ✔ helper: The helper found forty-two",
                    "▶ coordinator resumes",
                    "  ● askUser(question: Shall I proceed?)",
                    "■ coordinator stopped: waiting for an answer to askUser",
                    "Stopped · askUser asks: question: Shall I proceed?",
                    "job " + jobId + " · 3,380 tokens (3,000 in · 380 out) · $0.0147",
                    "Answer: perstack run coordinator \"<answer>\" --continue-job " + jobId + " -i");
            assertThat(end).as("the footer is gone once the run stopped").doesNotContain("Generating…", "└ helper · step");
            assertThat(end).as("no JSON on the terminal").doesNotContain("\"type\"");
            // The full events are in the job history all the same.
            assertThat(dir.resolve("perstack/jobs").resolve(jobId).resolve("job.json"))
                    .content().contains("stoppedByInteractiveTool");
        }
    }

    @Test
    void stdoutThatIsNotATerminalGetsTheSameJsonLinesAsAPipe() throws IOException {
        Files.writeString(dir.resolve("perstack.toml"), TOML);
        List<String> piped;
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse(SCRIPT))) {
            Path other = Files.createDirectories(dir.resolve("piped"));
            Files.writeString(other.resolve("perstack.toml"), TOML);
            PerstackCli cli = new PerstackCli(other);
            env(server).forEach(cli::env);
            CliRun run = cli.run("run", "coordinator", "Do the thing", "--runtime", "local");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            piped = types(run.stdout());
        }
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse(SCRIPT));
             TmuxPane pane = TmuxPane.start(dir, env(server), "events.jsonl",
                     "run", "coordinator", "Do the thing", "--runtime", "local")) {
            String end = pane.awaitText("[exit 0]");
            assertThat(end).doesNotContain("▶", "Stopped ·");
            String stdout = Files.readString(dir.resolve("events.jsonl"), StandardCharsets.UTF_8);
            assertThat(stdout).doesNotContain("\u001b").endsWith("\n");
            assertThat(types(stdout)).isEqualTo(piped).contains("stopRunByInteractiveTool");
        }
    }

    @Test
    void jsonFlagKeepsJsonLinesOnATerminal() throws IOException {
        Files.writeString(dir.resolve("perstack.toml"), TOML);
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse(SCRIPT));
             TmuxPane pane = TmuxPane.start(dir, env(server), null,
                     "run", "coordinator", "Do the thing", "--runtime", "local", "--json")) {
            String end = pane.awaitText("[exit 0]");
            assertThat(end).contains("{\"type\":\"stopRunByInteractiveTool\"").doesNotContain("▶", "Stopped ·");
        }
    }

    static Map<String, String> env(ScriptedLlmServer server) {
        return Map.of("ANTHROPIC_API_KEY", "sk-ant-test-dummy", "ANTHROPIC_BASE_URL", server.anthropicBaseUrl());
    }

    private String onlyJobId() throws IOException {
        try (var jobs = Files.list(dir.resolve("perstack/jobs"))) {
            List<Path> all = jobs.toList();
            assertThat(all).hasSize(1);
            return all.getFirst().getFileName().toString();
        }
    }

    private static List<String> types(String jsonLines) throws IOException {
        List<String> types = new ArrayList<>();
        for (String line : jsonLines.split("\n")) {
            JsonNode n = Json.mapper().readTree(line);
            assertThat(Json.mapper().writeValueAsString(n)).as("compact JSON").hasSameSizeAs(line);
            types.add(n.path("type").asText());
        }
        return types;
    }
}
