package io.perstack.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.perstack.core.env.Dotenv.MergedEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading env files into the merged environment (docs/configuration.md §8) with real files. */
class DotenvTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private Map<String, String> parse(String text) {
        return Dotenv.parse(text, dir.resolve(".env"));
    }

    @Test
    void defaultFilesAreDotEnvThenDotEnvLocal() throws IOException {
        Path env = write(".env", "A=from-env\nB=from-env\n");
        Path local = write(".env.local", "B=from-local\nC=from-local\n");

        MergedEnvironment merged = Dotenv.load(Map.of(), dir, null);

        assertThat(merged.variables()).containsExactlyInAnyOrderEntriesOf(
                Map.of("A", "from-env", "B", "from-env", "C", "from-local"));
        assertThat(merged.loadedFiles()).containsExactly(env, local);
        assertThat(Dotenv.load(Map.of(), dir, List.of()).loadedFiles()).containsExactly(env, local);
    }

    @Test
    void fileValuesNeverOverrideTheProcessEnvironment() throws IOException {
        write(".env", "ANTHROPIC_API_KEY=from-file\nOTHER=from-file\n");

        MergedEnvironment merged = Dotenv.load(Map.of("ANTHROPIC_API_KEY", "real-key"), dir, null);

        assertThat(merged.variables()).containsEntry("ANTHROPIC_API_KEY", "real-key").containsEntry("OTHER", "from-file");
    }

    @Test
    void emptyProcessValuesAreDroppedSoFilesCanFillThem() throws IOException {
        write(".env", "TOKEN=from-file\n");
        Map<String, String> process = new LinkedHashMap<>();
        process.put("TOKEN", "");
        process.put("EMPTY_ONLY", "");

        MergedEnvironment merged = Dotenv.load(process, dir, null);

        assertThat(merged.variables()).containsEntry("TOKEN", "from-file").doesNotContainKey("EMPTY_ONLY");
    }

    @Test
    void givenFilesReplaceTheDefaultsAndAreResolvedAgainstTheCurrentDirectory() throws IOException {
        write(".env", "DEFAULT=yes\n");
        Path team = write("config/team.env", "TEAM=yes\n");
        Path absolute = Files.writeString(Files.createTempFile(dir, "abs", ".env"), "ABS=yes\n");

        MergedEnvironment merged = Dotenv.load(Map.of(), dir, List.of("config/team.env", absolute.toString()));

        assertThat(merged.variables()).containsOnlyKeys("TEAM", "ABS");
        assertThat(merged.loadedFiles()).containsExactly(team, absolute);
    }

    @Test
    void anEarlierGivenFileWinsOverALaterOne() throws IOException {
        write("first.env", "X=first\n");
        write("second.env", "X=second\n");

        assertThat(Dotenv.load(Map.of(), dir, List.of("first.env", "second.env")).variables())
                .containsEntry("X", "first");
    }

    @Test
    void missingFilesAreSkippedSilently() throws IOException {
        Path present = write("present.env", "P=1\n");
        Files.createDirectories(dir.resolve("dir.env"));

        MergedEnvironment merged = Dotenv.load(Map.of("HOME", "/home/u"), dir,
                List.of("absent.env", "present.env", "dir.env"));

        assertThat(merged.loadedFiles()).containsExactly(present);
        assertThat(merged.variables()).containsOnlyKeys("HOME", "P");
    }

    @Test
    void commentsExportPrefixAndBlankLinesAreUnderstood() {
        assertThat(parse("""
                # full-line comment

                   # indented comment
                export EXPORTED=1
                PLAIN=value # trailing comment
                SPACED = around equals
                URL=https://example.com/page#section
                """)).containsExactly(
                Map.entry("EXPORTED", "1"),
                Map.entry("PLAIN", "value"),
                Map.entry("SPACED", "around equals"),
                Map.entry("URL", "https://example.com/page#section"));
    }

    @Test
    void singleQuotesAreLiteral() {
        assertThat(parse("S='raw \\n # not a comment $HOME'\n"))
                .containsExactly(Map.entry("S", "raw \\n # not a comment $HOME"));
    }

    @Test
    void doubleQuotesUnderstandEscapes() {
        assertThat(parse("D=\"line1\\nline2\\ttab \\\"quoted\\\" back\\\\slash \\d\" # comment\n"))
                .containsExactly(Map.entry("D", "line1\nline2\ttab \"quoted\" back\\slash \\d"));
    }

    @Test
    void doubleQuotedValuesMaySpanLines() {
        Map<String, String> values = parse("""
                KEY="-----BEGIN KEY-----
                abc
                -----END KEY-----"
                NEXT=after
                """);

        assertThat(values).containsExactly(
                Map.entry("KEY", "-----BEGIN KEY-----\nabc\n-----END KEY-----"),
                Map.entry("NEXT", "after"));
    }

    @Test
    void emptyValuesAreEmptyStrings() {
        assertThat(parse("A=\nB=\"\"\nC=''\nD= # only a comment\n")).containsExactly(
                Map.entry("A", ""), Map.entry("B", ""), Map.entry("C", ""), Map.entry("D", ""));
    }

    @Test
    void windowsLineEndingsAreNotPartOfValues() {
        assertThat(parse("A=1\r\nB=\"x\r\ny\"\r\n")).containsExactly(Map.entry("A", "1"), Map.entry("B", "x\ny"));
    }

    @Test
    void aLaterLineInTheSameFileReplacesAnEarlierOne() {
        assertThat(parse("A=1\nA=2\n")).containsExactly(Map.entry("A", "2"));
    }

    @Test
    void aLineWithoutEqualsIsMalformedAndTheMessageNamesFileAndLineButNotTheContent() throws IOException {
        Path file = write(".env", "OK=1\n# comment\nsk-live-secret-value\n");

        EnvFileException e = catchThrowableOfType(EnvFileException.class, () -> Dotenv.load(Map.of(), dir, null));

        assertThat(e.getMessage()).isEqualTo("Env file " + file + " line 3: expected KEY=value");
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).doesNotContain("secret");
    }

    @Test
    void otherMalformedLinesAreReportedWithTheirLine() {
        Path f = dir.resolve(".env");
        assertThatThrownBy(() -> parse("A=1\nB=\"never closed\nC=3\n"))
                .hasMessage("Env file " + f + " line 2: unterminated quoted value");
        assertThatThrownBy(() -> parse("BAD NAME=1\n"))
                .hasMessage("Env file " + f + " line 1: invalid variable name");
        assertThatThrownBy(() -> parse("A='quoted' trailing\n"))
                .hasMessage("Env file " + f + " line 1: unexpected text after the closing quote");
        assertThatThrownBy(() -> parse("export ONLY_NAME\n"))
                .hasMessage("Env file " + f + " line 1: expected KEY=value");
        assertThatThrownBy(() -> parse("M=\"a\nb\"\n=novalue\n"))
                .hasMessage("Env file " + f + " line 3: invalid variable name");
    }

    @Test
    void aFileOfExactlyOneMebibyteIsLoadedAndOneByteMoreIsRefused() throws IOException {
        String head = "BIG=1\n#";
        String exact = head + "x".repeat(1_048_576 - head.length() - 1) + "\n";
        assertThat(exact.getBytes(StandardCharsets.UTF_8)).hasSize(1_048_576);
        write(".env", exact);
        assertThat(Dotenv.load(Map.of(), dir, null).variables()).containsEntry("BIG", "1");

        Path big = write(".env", exact + "\n");
        assertThatThrownBy(() -> Dotenv.load(Map.of(), dir, null))
                .isInstanceOf(EnvFileException.class)
                .hasMessage("Env file " + big + " is too large");
    }

    @Test
    void invalidUtf8IsRefused() throws IOException {
        Path file = dir.resolve(".env");
        Files.write(file, new byte[] {'A', '=', (byte) 0xC3, (byte) 0x28, '\n'});

        assertThatThrownBy(() -> Dotenv.load(Map.of(), dir, null))
                .hasMessage("Env file " + file + " is not valid UTF-8");
    }

    @Test
    void theMergedEnvironmentNeverPrintsValues() throws IOException {
        write(".env", "API_KEY=super-secret\n");

        MergedEnvironment merged = Dotenv.load(Map.of("PATH", "/usr/bin"), dir, null);

        assertThat(merged.toString()).contains("API_KEY").doesNotContain("super-secret").doesNotContain("/usr/bin");
    }

    @Test
    void theMergedMapCannotBeModified() throws IOException {
        write(".env", "A=1\n");
        MergedEnvironment merged = Dotenv.load(Map.of(), dir, null);

        assertThatThrownBy(() -> merged.variables().put("B", "2")).isInstanceOf(UnsupportedOperationException.class);
    }
}
