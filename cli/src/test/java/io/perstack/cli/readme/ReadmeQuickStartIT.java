package io.perstack.cli.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's quick-start line, copied out of the README and run exactly as written from the checkout's root with
 * the built launcher (this runs after {@code package}, as an integration test). Only the provider's address comes
 * from the environment: it points at the scripted server instead of the real API.
 */
class ReadmeQuickStartIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theQuickStartLineRunsAsWrittenFromTheCheckoutRoot() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        String line = quickStartLine(Files.readString(root.resolve("README.md")));
        Path history = root.resolve("perstack");
        boolean hadHistory = Files.exists(history);
        Path jobs = history.resolve("jobs");
        Set<Path> before = listing(jobs);
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.parse(
                "{\"replies\":[{\"text\":\"Hello there, lovely to meet you!\"}]}"))) {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", line).directory(root.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.startsWith("PERSTACK_"));
            env.put("JAVA_HOME", System.getProperty("java.home"));
            env.put("ANTHROPIC_BASE_URL", server.anthropicBaseUrl());
            Path out = Files.createTempFile("readme", ".out");
            Path err = Files.createTempFile("readme", ".err");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);

            assertThat(process.exitValue()).as("%s\nstdout:\n%s\nstderr:\n%s", line, stdout, stderr).isZero();
            List<JsonNode> events = new ArrayList<>();
            for (String l : stdout.split("\n")) {
                events.add(JSON.readTree(l));
            }
            assertThat(events).extracting(e -> e.path("type").asText()).contains("startRun");
            JsonNode complete = events.stream().filter(e -> e.path("type").asText().equals("completeRun"))
                    .findFirst().orElseThrow(() -> new AssertionError("no completeRun in\n" + stdout));
            assertThat(complete.path("text").asText()).isEqualTo("Hello there, lovely to meet you!");
            Set<Path> created = listing(jobs);
            created.removeAll(before);
            assertThat(created).as("the job's history in ./perstack/jobs").singleElement()
                    .satisfies(job -> assertThat(job.resolve("job.json")).isRegularFile());
        } finally {
            // The checkout stays as it was: the folder goes when this test made it, else only the new jobs.
            if (!hadHistory) {
                delete(history);
            } else {
                Set<Path> created = listing(jobs);
                created.removeAll(before);
                created.forEach(ReadmeQuickStartIT::delete);
            }
        }
    }

    /** The one line of the README's first {@code sh} block that runs the example Expert. */
    static String quickStartLine(String readme) {
        return readme.lines().filter(l -> l.contains(" run --config examples/hello/perstack.toml ")).findFirst()
                .orElseThrow(() -> new AssertionError("README has no quick-start run line"));
    }

    private static Set<Path> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new HashSet<>();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return new HashSet<>(list.toList());
        }
    }

    private static void delete(Path tree) {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(tree)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
