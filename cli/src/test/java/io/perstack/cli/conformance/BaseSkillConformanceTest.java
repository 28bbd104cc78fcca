package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.llm.RecordedRequest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-32, C-33, C-40, C-42…C-44, C-46, C-47, C-52: the in-process base skill as a run sees it; in C-43 next to the
 * hostile MCP server's {@code echo}.
 */
class BaseSkillConformanceTest {
    @TempDir
    Path dir;

    private static String toolCall(String id, String name, String inputJson) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"input\":" + inputJson + "}";
    }

    /** The tool message the model received in request {@code index}, as text. */
    private static String toolMessageOf(Scenario s, int index) {
        JsonNode messages = s.server().requests().get(index).body().path("messages");
        return messages.get(messages.size() - 1).toString();
    }

    @Test
    void inProcessBaseConnectsWithoutSpawningAndReportsTheWorkspace() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("worker"), """
                {"replies":[{"toolCalls":[%s]},{"text":"ok"}]}""".formatted(toolCall("t1", "healthCheck", "{}")))) {
            CliRun run = s.run("worker", "Check");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode connected = run.first("skillConnected");
            assertThat(connected.path("spawnDurationMs").asLong()).isZero();
            assertThat(connected.path("totalDurationMs").asLong()).isLessThan(100);
            String result = toolMessageOf(s, 1);
            assertThat(result).contains("\\\"status\\\":\\\"ok\\\"")
                    .contains("\\\"workspace\\\":\\\"" + dir.toRealPath() + "\\\"");
        }
    }

    @Test
    void missingFileIsReportedToTheModelAndTheRunCompletes() {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("worker"), """
                {"replies":[{"toolCalls":[%s]},{"text":"no such file"}]}""".formatted(
                toolCall("t1", "readTextFile", "{\"path\":\"missing.txt\"}")))) {
            CliRun run = s.run("worker", "Read it");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(toolMessageOf(s, 1)).contains("does not exist");
        }
    }

    @Test
    void pdfImageAndMcpCallsOfOneBatchAllRunAndTheFilesAreInlinedIntoTheNextRequest() throws Exception {
        byte[] pdf = fixture("one-page.pdf");
        byte[] gif = fixture("pixel.gif");
        String pdf64 = Base64.getEncoder().encodeToString(pdf);
        String gif64 = Base64.getEncoder().encodeToString(gif);
        Files.write(dir.resolve("doc.pdf"), pdf);
        Files.write(dir.resolve("pixel.gif"), gif);
        String toml = McpSkillsTest.expert("e2e-special-tools", "")
                + McpSkillsTest.hostileSkill("e2e-special-tools", "hostile", "pick = [\"echo\"]");
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"toolCalls":[%s,%s,%s]},{"text":"seen"}]}""".formatted(
                toolCall("t1", "readPdfFile", "{\"path\":\"doc.pdf\"}"),
                toolCall("t2", "readImageFile", "{\"path\":\"pixel.gif\"}"),
                toolCall("t3", "echo", "{\"text\":\"SPECIAL-ECHO\"}")))) {
            CliRun run = s.run("e2e-special-tools", "Look");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.count("callTools")).isEqualTo(1);
            assertThat(run.first("callTools").path("toolCalls")).hasSize(3);
            JsonNode results = run.first("resolveToolResults").path("toolResults");
            assertThat(results.findValuesAsText("toolName")).containsExactly("readPdfFile", "readImageFile", "echo");
            assertThat(results.findValuesAsText("skillName"))
                    .containsExactly("@perstack/base", "@perstack/base", "hostile");
            JsonNode pdfPart = results.get(0).path("result").get(0);
            assertThat(pdfPart.path("type").asText()).isEqualTo("fileInlinePart");
            assertThat(pdfPart.path("mimeType").asText()).isEqualTo("application/pdf");
            JsonNode gifPart = results.get(1).path("result").get(0);
            assertThat(gifPart.path("type").asText()).isEqualTo("imageInlinePart");
            assertThat(gifPart.path("mimeType").asText()).isEqualTo("image/gif");
            assertThat(results.get(2).path("result").get(0).path("text").asText()).isEqualTo("echo: SPECIAL-ECHO");

            // One tool message answers all three; the files travel inline, byte for byte, each inside its own
            // tool result (the PDF as a document block).
            RecordedRequest next = s.server().requests().get(1);
            assertThat(InteractiveTest.lastToolMessageIds(next)).containsExactly("t1", "t2", "t3");
            JsonNode messages = next.body().path("messages");
            assertThat(messages).hasSize(3);
            JsonNode sent = messages.get(2).path("content");
            assertThat(sent.get(0).path("tool_use_id").asText()).isEqualTo("t1");
            assertThat(sent.get(0).findValuesAsText("data")).containsExactly(pdf64);
            assertThat(sent.get(0).findValuesAsText("media_type")).containsExactly("application/pdf");
            assertThat(sent.get(1).path("tool_use_id").asText()).isEqualTo("t2");
            assertThat(sent.get(1).findValuesAsText("data")).containsExactly(gif64);
            assertThat(sent.get(1).findValuesAsText("media_type")).containsExactly("image/gif");
            assertThat(InteractiveTest.resultText(next, "t3")).isEqualTo("echo: SPECIAL-ECHO");
        }
    }

    @Test
    void confinementRulesAnswerWithTheirExactMessages() throws Exception {
        Files.createDirectories(dir.resolve("inside"));
        Files.writeString(dir.resolve("inside/real.txt"), "hello");
        Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("inside/real.txt"));
        Files.createSymbolicLink(dir.resolve("root"), Path.of("/"));
        Files.writeString(dir.resolve(".env"), "SECRET_TOKEN=never-shown\n");
        String root = dir.toRealPath().toString();
        List<String[]> cases = List.of(
                new String[] {"../x", "Access denied - path outside allowed directories: "
                        + dir.toRealPath().getParent().resolve("x") + " not in " + root},
                new String[] {"/etc/passwd", "Access denied - path outside allowed directories: /etc/passwd not in "
                        + root},
                new String[] {"perstack/jobs", "Access denied - perstack directory is not allowed"},
                new String[] {"PERSTACK/x", "Access denied - perstack directory is not allowed"},
                new String[] {"link.txt", "Operation denied: target is a symbolic link"},
                new String[] {"root/etc/passwd", "Operation denied: target is a symbolic link"},
                new String[] {".env", "Access denied - environment files are not allowed"});
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            calls.add(toolCall("t" + i, "readTextFile", "{\"path\":\"" + cases.get(i)[0] + "\"}"));
        }
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("worker"), """
                {"replies":[{"toolCalls":[%s]},{"text":"all refused"}]}""".formatted(String.join(",", calls)))) {
            CliRun run = s.run("worker", "Try escapes");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode results = run.first("resolveToolResults").path("toolResults");
            assertThat(results).hasSize(cases.size());
            for (int i = 0; i < cases.size(); i++) {
                assertThat(results.get(i).toString()).as(cases.get(i)[0]).contains(cases.get(i)[1]);
            }
            assertThat(run.stdout()).doesNotContain("never-shown");
        }
    }

    @Test
    void pickAndOmitShapeTheToolsOfferedToTheModel() {
        String toml = """
                [experts."picker"]
                instruction = "Use todos."
                [experts."picker".skills."@perstack/base"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "@perstack/base"
                pick = ["attemptCompletion", "todo"]

                [experts."omitter"]
                instruction = "Do things."
                [experts."omitter".skills."@perstack/base"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "@perstack/base"
                omit = ["exec"]
                """;
        try (Scenario s = Scenario.of(dir, toml, """
                {"replies":[{"toolCalls":[%s]},{"text":"noted"},{"text":"done"}]}""".formatted(
                toolCall("t1", "todo", "{\"newTodos\":[\"write tests\"]}")))) {
            CliRun picked = s.run("picker", "Plan");
            assertThat(picked.exitCode()).as(picked.toString()).isZero();
            assertThat(toolNames(s, 0)).containsExactlyInAnyOrder("attemptCompletion", "todo");
            assertThat(toolMessageOf(s, 1)).contains("write tests");

            CliRun omitted = s.run("omitter", "Work");
            assertThat(omitted.exitCode()).as(omitted.toString()).isZero();
            assertThat(toolNames(s, 2)).doesNotContain("exec").contains("readTextFile", "attemptCompletion");
        }
    }

    @Test
    void skillsTableWithoutTheBaseSkillIsAStartError() {
        String toml = """
                [experts."lonely"]
                instruction = "Nothing."
                [experts."lonely".skills."other"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "some-server"
                """;
        try (Scenario s = Scenario.of(dir, toml, "{\"replies\":[]}")) {
            CliRun run = s.run("lonely", "Hi");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("Base skill is not defined: Expert \"lonely\" lists skills but not "
                    + "\"@perstack/base\". Add [experts.\"lonely\".skills.\"@perstack/base\"]");
            assertThat(s.server().requests()).isEmpty();
        }
    }

    @Test
    void hugeExecOutputIsBoundedByExecAndThenByTheToolResultCap() throws Exception {
        byte[] fifty = new byte[52_428_800];
        java.util.Arrays.fill(fifty, (byte) 'a');
        Files.write(dir.resolve("big.txt"), fifty);
        String cat = "{\"command\":\"cat\",\"args\":[\"big.txt\"],\"env\":{},\"cwd\":\".\","
                + "\"stdout\":true,\"stderr\":true}";
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("worker"), """
                {"replies":[{"toolCalls":[%s]},{"text":"big"}]}""".formatted(toolCall("t1", "exec", cat)))) {
            CliRun run = s.run("worker", "Print a lot");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            String fed = toolMessageOf(s, 1);
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("tool result truncated after 262144 bytes; (\\d+) bytes total").matcher(fed);
            assertThat(m.find()).as("runtime cap marker in %s…", fed.substring(0, 200)).isTrue();
            // exec kept 10 MiB plus its own marker, not 50 MiB: the runtime saw only that much.
            long total = Long.parseLong(m.group(1));
            assertThat(total).isBetween(10_485_760L, 10_485_760L + 200);
        }
    }

    private static List<String> toolNames(Scenario s, int request) {
        List<String> names = new ArrayList<>();
        s.server().requests().get(request).body().path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = BaseSkillConformanceTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }
}
