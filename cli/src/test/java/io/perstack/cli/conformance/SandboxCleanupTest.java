package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * docs/isolation.md §8 through the CLI: SIGINT and SIGTERM end the sandboxed processes of the job and remove its scratch
 * directory before the documented exit; after SIGKILL the sandboxes die with the runtime and the next job removes
 * what was left.
 */
class SandboxCleanupTest {
    @TempDir
    Path dir;

    private static String sleeping(String seconds) {
        return """
                {"replies":[{"toolCalls":[{"id":"toolu_1","name":"exec","input":{"command":"sleep","args":["%s"],
                 "timeout":600000}}]},{"text":"done"}]}""".formatted(seconds);
    }

    /** A live {@code sleep <seconds>} process (not the wrappers whose arguments merely mention it). */
    private static boolean running(String commandLine) {
        String seconds = commandLine.substring("sleep ".length());
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().command().map(c -> c.endsWith("/sleep"))
                .orElse(false) && h.info().arguments().map(a -> List.of(a).equals(List.of(seconds))).orElse(false)
                && notZombie(h.pid()));
    }

    private static boolean notZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> scratchOf(String jobId) throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("perstack-" + jobId + "-")).toList();
        }
    }

    @ParameterizedTest
    @CsvSource({"INT,130,2101", "TERM,143,2102"})
    void aSignalEndsTheSandboxedProcessesAndRemovesTheScratchDirectory(String signal, int exitCode, String seconds)
            throws Exception {
        String jobId = "signal" + signal.toLowerCase();
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("sleeper"), sleeping(seconds))) {
            PerstackCli.Running running = s.cli().timeout(Duration.ofSeconds(60)).start("run", "sleeper", "Sleep",
                    "--job-id", jobId);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> running("sleep " + seconds));
                assertThat(scratchOf(jobId)).hasSize(1);

                running.signal(signal);
                CliRun run = running.await();

                assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
                assertThat(running("sleep " + seconds)).isFalse();
                assertThat(scratchOf(jobId)).isEmpty();
            } finally {
                // A failed assertion must not leave the CLI (and its sandboxes) running after the test.
                running.process().destroyForcibly();
            }
        }
    }

    @Test
    void afterSigkillTheSandboxesDieWithTheRuntimeAndTheNextJobRemovesTheLeftovers() throws Exception {
        try (Scenario s = Scenario.of(dir, Scenario.oneExpert("sleeper"), sleeping("2103"))) {
            PerstackCli.Running running = s.cli().start("run", "sleeper", "Sleep", "--job-id", "killed");
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> running("sleep 2103"));
                running.signal("KILL");
                running.process().waitFor();
            } finally {
                running.process().destroyForcibly();
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> !running("sleep 2103"));
            assertThat(scratchOf("killed")).hasSize(1);
        }
        try (Scenario next = Scenario.of(dir, Scenario.oneExpert("greeter"), "{\"replies\":[{\"text\":\"hi\"}]}")) {
            CliRun run = next.cli().run("run", "greeter", "Say hello", "--job-id", "after");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(scratchOf("killed")).isEmpty();
            assertThat(scratchOf("after")).isEmpty();
        }
    }
}
