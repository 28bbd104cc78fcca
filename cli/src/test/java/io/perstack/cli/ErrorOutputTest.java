package io.perstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SR-40 for stderr: a name or value that reaches an error message from {@code perstack.toml}, the command line or a
 * log line is shown with its controls and bidi characters escaped, never sent raw to the terminal. In process:
 * each case fails before anything needs a model.
 */
class ErrorOutputTest {
    private static final String ESC = "\u001b";
    private static final String RLO = "\u202e";

    @TempDir
    Path dir;

    @Test
    void configErrorShowsEscapeSequenceAndBidiOverrideFromAnExpertKeyEscaped() throws IOException {
        // TOML escapes, so the file itself is plain text and the parsed key holds a real ESC and U+202E.
        Path config = write("""
                [experts."evil\\u001b[31m\\u202eredoc"]
                instruction = "x"
                """);

        Stderr err = Stderr.of(() -> Main.execute("run", "evil", "hi", "--config", config.toString(),
                "--runtime", "local"));

        assertThat(err.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.text()).doesNotContain(ESC, RLO)
                .contains("Validation failed:\n")
                .contains("Invalid Expert key \"evil\\u001b[31m\\u202eredoc\"");
    }

    @Test
    void configErrorShowsEscapeSequenceAndBidiOverrideFromASkillNameEscaped() throws IOException {
        Path config = write("""
                [experts."greeter"]
                instruction = "x"

                [experts."greeter".skills."tools\\u001b]0;pwned\\u0007\\u202e"]
                type = "noSuchSkillType"
                """);

        Stderr err = Stderr.of(() -> Main.execute("run", "greeter", "hi", "--config", config.toString(),
                "--runtime", "local"));

        assertThat(err.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.text()).doesNotContain(ESC, RLO, "\u0007")
                .contains("experts.greeter.skills.tools\\u001b]0;pwned\\u0007\\u202e.type");
    }

    @Test
    void configPathFromTheCommandLineIsShownEscaped() {
        Stderr err = Stderr.of(() -> Main.execute("run", "greeter", "hi", "--config",
                "missing" + ESC + "[2J\u2066.toml", "--runtime", "local"));

        assertThat(err.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.text()).doesNotContain(ESC, "\u2066")
                .contains("Given config path \"missing\\u001b[2J\\u2066.toml\" is not found");
    }

    @Test
    void usageErrorFromPicocliShowsTheUnknownOptionEscaped() {
        Stderr err = Stderr.of(() -> Main.execute("log", "--bogus" + ESC + "[31m" + RLO));

        assertThat(err.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.text()).doesNotContain(ESC, RLO).contains("--bogus\\u001b[31m\\u202e");
    }

    @Test
    void logCommandErrorShowsTheValueEscapedRatherThanStripped() {
        Stderr err = Stderr.of(() -> Main.execute("log", "--take", ESC + "[31m5" + RLO));

        assertThat(err.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.text()).doesNotContain(ESC, RLO)
                .contains("Error: Invalid value for --take: \"\\u001b[31m5\\u202e\" is not a valid number");
    }

    @Test
    void logLinesOnStderrShowControlAndBidiCharactersEscaped() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // done by logback's own start-up in the CLI
        new StderrLogging().configure(context);

        Stderr err = Stderr.of(() -> {
            context.getLogger("io.perstack.skills.SkillProcess")
                    .warn("skill said {}", "\u001b]52;c;cm0gLXJmIC8=\u0007 \u200bhidden " + RLO + "txt.exe");
            return 0;
        });
        context.stop();

        assertThat(err.text()).doesNotContain(ESC, RLO, "\u200b", "\u0007")
                .contains("WARN SkillProcess: skill said \\u001b]52;c;cm0gLXJmIC8=\\u0007 \\u200bhidden \\u202etxt.exe");
    }

    private Path write(String toml) throws IOException {
        Path file = dir.resolve("perstack.toml");
        Files.writeString(file, toml, StandardCharsets.UTF_8);
        return file;
    }

    /** What a call printed to {@code System.err}, and the code it returned. */
    private record Stderr(int code, String text) {
        static Stderr of(Callable<Integer> call) {
            PrintStream original = System.err;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = call.call();
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                System.err.flush();
                System.setErr(original);
            }
            return new Stderr(code, bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
