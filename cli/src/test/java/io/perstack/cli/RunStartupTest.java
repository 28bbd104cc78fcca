package io.perstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A well-formed {@code perstack run} never loads picocli (whose Java 5 classes the start-up cache cannot hold);
 * anything that needs picocli, such as {@code --help}, still gets it. Checked in a fresh JVM's class-loading log.
 */
class RunStartupTest {
    @TempDir
    Path dir;

    private Path classLog;

    @BeforeEach
    void writeConfig() throws IOException {
        Files.writeString(dir.resolve("perstack.toml"), """
                [experts."greeter"]
                instruction = "Greet."
                """);
        classLog = dir.resolve("classes.log");
    }

    @Test
    void wellFormedRunLoadsNoPicocliClass() throws IOException {
        // Fails right after the configuration is read: no LLM is needed.
        CliRun run = cli().run("run", "nobody", "Say hello", "--runtime", "local", "--verbose");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.stderr()).contains("Expert \"nobody\" not found in " + dir.resolve("perstack.toml")
                + ". Experts there: greeter.").doesNotContain("\tat ");
        List<String> loaded = Files.readAllLines(classLog);
        assertThat(loaded).anyMatch(line -> line.contains("io.perstack.cli.RunArguments "));
        assertThat(loaded).noneMatch(line -> line.contains("picocli"));
    }

    @Test
    void runHelpStillGoesThroughPicocli() throws IOException {
        CliRun help = cli().run("run", "--help");

        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.stdout()).contains("expertKey", "--max-steps");
        assertThat(Files.readAllLines(classLog)).anyMatch(line -> line.contains("picocli.CommandLine "));
    }

    private PerstackCli cli() {
        return new PerstackCli(dir).env("ANTHROPIC_API_KEY", "test-dummy")
                .env("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classLog);
    }
}
