package io.perstack.cli.tui;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.testkit.llm.RecordedRequest;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code perstack start} on a real terminal (tmux), driven by keys like a user. */
class StartTerminalTest {
    private static final String SCRIPT = """
            {"replies":[
              {"toolCalls":[{"id":"toolu_ask","name":"askUser","input":{"question":"Which colour?"}}]},
              {"text":"Painted it blue."},
              {"text":"Painted it green this time."}]}""";

    @TempDir
    Path dir;

    @Test
    void pickAnExpertAnswerItsQuestionInlineThenBranchFromACheckpointInTheHistory() throws IOException {
        Files.writeString(dir.resolve("perstack.toml"), LiveViewTerminalTest.TOML);
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse(SCRIPT));
             TmuxPane pane = TmuxPane.start(dir, LiveViewTerminalTest.env(server), null,
                     "start", "--runtime", "local")) {
            // No jobs yet: the Experts of perstack.toml.
            String list = pane.awaitText("Select an Expert");
            assertThat(list).contains("› coordinator", "  helper");
            pane.press("Down");
            pane.awaitText("› helper");
            pane.type("i");
            pane.awaitText("Type an Expert key");
            pane.press("Escape");
            pane.awaitText("› coordinator");
            pane.press("Enter");
            pane.awaitText("Query: █");
            pane.type("Paint the wall");
            pane.press("Enter");

            // The run stops for the interactive tool: the question, then the answer is asked for inline.
            String asked = pane.await(s -> s.contains("Answer: █"));
            assertThat(asked).contains("▶ coordinator  Paint the wall", "● askUser(question: Which colour?)",
                    "Stopped · askUser asks: question: Which colour?");
            assertThat(asked).as("the UI asks itself instead of printing a command").doesNotContain("--continue-job");
            pane.type("Blue");
            pane.press("Enter");

            String done = pane.awaitText("Continue: █");
            assertThat(done).contains("▶ coordinator  answer: Blue", "✔ coordinator completed", "Painted it blue.",
                    "Completed · job ");
            RecordedRequest answered = server.requests().get(1);
            assertThat(answered.bodyText()).contains("toolu_ask", "Blue");

            // History: the job, its checkpoints newest first, and a branch from the newest one.
            pane.press("Escape");
            String jobs = pane.awaitText("Job history");
            String jobId = onlyJobId();
            assertThat(jobs).containsPattern("› coordinator - \\d+ steps \\(" + jobId + "\\) \\(\\d{4}-\\d\\d-\\d\\d ");
            pane.type("c");
            String checkpoints = pane.awaitText("Checkpoints of coordinator");
            assertThat(checkpoints).containsPattern("› Step \\d+ \\([a-z0-9]+\\)")
                    .contains("· waiting for an answer");
            pane.press("Enter");
            pane.awaitText("Query: █");
            assertThat(pane.screen()).contains("(job " + jobId + ", from ");
            pane.type("Now green");
            pane.press("Enter");
            String branched = pane.awaitText("Continue: █");
            assertThat(branched).contains("Painted it green this time.");
            assertThat(server.requests().getLast().bodyText()).contains("Now green");
            assertThat(onlyJobId()).isEqualTo(jobId);

            pane.press("Escape");
            pane.awaitText("Job history");
            pane.type("q");
            pane.awaitText("[exit 0]");
        }
    }

    private String onlyJobId() throws IOException {
        try (var jobs = Files.list(dir.resolve("perstack/jobs"))) {
            List<Path> all = jobs.toList();
            assertThat(all).hasSize(1);
            return all.getFirst().getFileName().toString();
        }
    }
}
