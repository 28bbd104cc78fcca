package io.perstack.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery, reading, --config values, remote URLs and the 1 MiB limit, with real files. */
class PerstackTomlFilesTest {
    private static final String VALID = "model = \"m\"\n";

    @TempDir
    Path dir;

    private Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    /** A valid TOML file of exactly {@code size} bytes: one key, then a comment padding it out. */
    private static byte[] validTomlOfSize(int size) {
        String head = "model = \"m\"\n#";
        String body = head + "x".repeat(size - head.length() - 1) + "\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes).hasSize(size);
        return bytes;
    }

    @Test
    void findReturnsTheFileInTheCurrentDirectory() throws IOException {
        Path file = write(dir.resolve("perstack.toml"), VALID);

        assertThat(PerstackToml.find(dir)).contains(file);
    }

    @Test
    void findSearchesUpwardThroughParents() throws IOException {
        Path file = write(dir.resolve("perstack.toml"), VALID);
        Path deep = Files.createDirectories(dir.resolve("a/b/c"));

        assertThat(PerstackToml.find(deep)).contains(file);
    }

    @Test
    void findPrefersTheNearestFile() throws IOException {
        write(dir.resolve("perstack.toml"), VALID);
        Path nearer = write(dir.resolve("a/perstack.toml"), VALID);

        assertThat(PerstackToml.find(dir.resolve("a"))).contains(nearer);
        assertThat(PerstackToml.find(Files.createDirectories(dir.resolve("a/b")))).contains(nearer);
    }

    @Test
    void findSkipsADirectoryNamedLikeTheConfig() throws IOException {
        Path file = write(dir.resolve("perstack.toml"), VALID);
        Files.createDirectories(dir.resolve("a/perstack.toml"));

        assertThat(PerstackToml.find(dir.resolve("a"))).contains(file);
    }

    @Test
    void findAcceptsARelativeStartingDirectory() throws IOException {
        Path file = write(dir.resolve("perstack.toml"), VALID);
        Path relative = Path.of("").toAbsolutePath().relativize(Files.createDirectories(dir.resolve("r")));

        assertThat(PerstackToml.find(relative)).contains(file);
    }

    @Test
    void loadWithoutAnyConfigGivesTheDocumentedMessage() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("nothing/here"));
        // Only meaningful when no ancestor of the temp dir has a perstack.toml; true on build machines.
        assertThat(PerstackToml.find(empty)).isEmpty();

        assertThatThrownBy(() -> PerstackToml.load(empty))
                .isInstanceOf(ConfigException.class)
                .hasMessage("perstack.toml not found. Create one or specify --config path.");
    }

    @Test
    void loadReadsTheDiscoveredFile() throws IOException {
        write(dir.resolve("perstack.toml"), "model = \"found\"\n");

        assertThat(PerstackToml.load(Files.createDirectories(dir.resolve("sub"))).model()).isEqualTo("found");
    }

    @Test
    void readingAMissingFileNamesThePath() {
        Path missing = dir.resolve("missing/perstack.toml");

        assertThatThrownBy(() -> PerstackToml.read(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Config file " + missing.toAbsolutePath() + " is not found");
    }

    @Test
    void messagesUseTheFileNameAsLabel() throws IOException {
        Path file = write(dir.resolve("team.toml"), "maxSteps = 0\n");

        assertThatThrownBy(() -> PerstackToml.read(file))
                .hasMessage("team.toml: Validation failed:\n  - maxSteps: Must be at least 1");
    }

    @Test
    void aFileOfExactlyOneMebibyteIsAccepted() throws IOException {
        Path file = dir.resolve("perstack.toml");
        Files.write(file, validTomlOfSize(1_048_576));

        assertThat(PerstackToml.read(file).model()).isEqualTo("m");
    }

    @Test
    void aFileOneByteOverOneMebibyteIsRefusedBeforeParsing() throws IOException {
        Path file = dir.resolve("perstack.toml");
        Files.write(file, validTomlOfSize(1_048_577));

        assertThatThrownBy(() -> PerstackToml.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("perstack.toml is too large (1048577 bytes; limit 1048576)");
    }

    @Test
    void theSizeLimitAlsoHoldsForBytesAndRemoteBodies() {
        byte[] over = validTomlOfSize(1_048_577);

        assertThatThrownBy(() -> PerstackToml.parse(over, null, "perstack.toml"))
                .hasMessage("perstack.toml is too large (1048577 bytes; limit 1048576)");
        assertThatThrownBy(() -> PerstackToml.parseRemote(over, "https://raw.githubusercontent.com/a/b/perstack.toml"))
                .hasMessage("https://raw.githubusercontent.com/a/b/perstack.toml is too large (1048577 bytes; "
                        + "limit 1048576)");
        assertThat(PerstackToml.parse(validTomlOfSize(1_048_576), null, "perstack.toml").model()).isEqualTo("m");
    }

    @Test
    void givenConfigPathIsResolvedAgainstTheCurrentDirectory() throws IOException {
        Path file = write(dir.resolve("configs/team.toml"), "model = \"team\"\n");

        PerstackConfig c = PerstackToml.readGiven(dir, "configs/team.toml");

        assertThat(c.model()).isEqualTo("team");
        assertThat(c.source()).isEqualTo(file.toAbsolutePath().normalize());
    }

    @Test
    void givenAbsoluteConfigPathIsUsedAsIs() throws IOException {
        Path file = write(dir.resolve("elsewhere/perstack.toml"), "model = \"abs\"\n");

        assertThat(PerstackToml.readGiven(Files.createDirectories(dir.resolve("cwd")), file.toString()).model())
                .isEqualTo("abs");
    }

    @Test
    void givenConfigPathThatDoesNotExistGivesTheDocumentedMessage() throws IOException {
        Files.createDirectories(dir.resolve("a-directory"));

        assertThatThrownBy(() -> PerstackToml.readGiven(dir, "nope.toml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Given config path \"nope.toml\" is not found");
        assertThatThrownBy(() -> PerstackToml.readGiven(dir, "a-directory"))
                .hasMessage("Given config path \"a-directory\" is not found");
    }

    @Test
    void givenConfigPathOverTheLimitIsRefused() throws IOException {
        Files.write(dir.resolve("big.toml"), validTomlOfSize(1_048_577));

        assertThatThrownBy(() -> PerstackToml.readGiven(dir, "big.toml"))
                .hasMessage("big.toml is too large (1048577 bytes; limit 1048576)");
    }

    @Test
    void urlsCountAsRemoteWhateverTheirScheme() {
        assertThat(PerstackToml.isRemote("https://raw.githubusercontent.com/a/b/perstack.toml")).isTrue();
        assertThat(PerstackToml.isRemote("http://example.com/perstack.toml")).isTrue();
        assertThat(PerstackToml.isRemote("ftp://example.com/perstack.toml")).isTrue();
        assertThat(PerstackToml.isRemote("configs/perstack.toml")).isFalse();
        assertThat(PerstackToml.isRemote("C:\\configs\\perstack.toml")).isFalse();
    }

    @Test
    void remoteConfigUrlMustBeHttpsOnRawGithubusercontent() {
        URI ok = PerstackToml.remoteUri("https://raw.githubusercontent.com/acme/agents/main/perstack.toml");
        assertThat(ok.getHost()).isEqualTo("raw.githubusercontent.com");

        assertThatThrownBy(() -> PerstackToml.remoteUri("http://raw.githubusercontent.com/a/b/perstack.toml"))
                .isInstanceOf(ConfigException.class).hasMessage("Remote config requires HTTPS");
        assertThatThrownBy(() -> PerstackToml.remoteUri("https://gist.githubusercontent.com/a/perstack.toml"))
                .hasMessage("Remote config only allowed from: raw.githubusercontent.com");
        assertThatThrownBy(() -> PerstackToml.remoteUri("https://raw.githubusercontent.com.evil.example/x.toml"))
                .hasMessage("Remote config only allowed from: raw.githubusercontent.com");
        assertThatThrownBy(() -> PerstackToml.remoteUri("https://raw githubusercontent.com/x"))
                .hasMessage("Invalid remote config URL: https://raw githubusercontent.com/x");
    }

    @Test
    void readGivenRefusesUrlsWithTheRemoteRulesOrAsksForParseRemote() {
        assertThatThrownBy(() -> PerstackToml.readGiven(dir, "http://example.com/perstack.toml"))
                .isInstanceOf(ConfigException.class).hasMessage("Remote config requires HTTPS");
        assertThatThrownBy(() -> PerstackToml.readGiven(dir, "https://raw.githubusercontent.com/a/b/perstack.toml"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void remoteConfigHasNoSourceFileButADigest() {
        PerstackConfig c = PerstackToml.parseRemote(VALID.getBytes(StandardCharsets.UTF_8),
                "https://raw.githubusercontent.com/a/b/perstack.toml");

        assertThat(c.source()).isNull();
        assertThat(c.model()).isEqualTo("m");
        assertThat(c.sha256()).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void aByteOrderMarkIsAcceptedAndCountsTowardsTheDigest() throws IOException {
        Path file = dir.resolve("perstack.toml");
        byte[] plain = VALID.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[plain.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(plain, 0, withBom, 3, plain.length);
        Files.write(file, withBom);

        PerstackConfig c = PerstackToml.read(file);

        assertThat(c.model()).isEqualTo("m");
        assertThat(c.sha256()).isNotEqualTo(PerstackToml.parse(plain, null, "perstack.toml").sha256());
    }
}
