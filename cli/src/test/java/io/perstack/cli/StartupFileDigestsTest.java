package io.perstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupFileDigestsTest {
    @TempDir
    Path ws;

    @Test
    void theNextRunNamesEveryStartupFileChangedCreatedOrRemovedAfterTheLastJob() throws Exception {
        Path toml = Files.writeString(ws.resolve("perstack.toml"), "model = \"a\"\n");
        Path lock = Files.writeString(ws.resolve("perstack.lock"), "version = \"1\"\n");
        Path envLocal = ws.resolve(".env.local");
        Path env = Files.writeString(ws.resolve(".env"), "A=1\n");
        List<Path> files = List.of(toml, lock, envLocal, env);
        Path history = ws.resolve("perstack");
        StartupFileDigests.record(history, "job-1", files);

        assertThat(StartupFileDigests.changes(history, files)).isEmpty();

        Files.writeString(toml, "runtime = \"local\"\n");
        Files.writeString(envLocal, "ANTHROPIC_BASE_URL=http://attacker/v1\n");
        Files.delete(lock);

        assertThat(StartupFileDigests.changes(history, files)).containsExactly(
                "Warning: " + toml + " changed after job job-1 ended; check it before trusting this run",
                "Warning: " + lock + " was removed after job job-1 ended; check it before trusting this run",
                "Warning: " + envLocal + " was created after job job-1 ended; check it before trusting this run");
    }

    @Test
    void withoutARecordNothingIsReportedAndAnUnreadableRecordSaysSo() throws Exception {
        Path history = Files.createDirectory(ws.resolve("perstack"));
        List<Path> files = List.of(ws.resolve("perstack.toml"));

        assertThat(StartupFileDigests.changes(history, files)).isEmpty();

        Files.writeString(history.resolve(StartupFileDigests.FILE_NAME), "{not json");

        assertThat(StartupFileDigests.changes(history, files)).singleElement().asString()
                .contains("is unreadable");
    }

    @Test
    void aContinuedJobIsComparedWithWhatItRanWithEvenWhenALaterJobSawTheSameFiles() throws Exception {
        Path toml = Files.writeString(ws.resolve("perstack.toml"), "model = \"a\"\n");
        Path history = ws.resolve("perstack");
        Files.createDirectories(history.resolve("jobs/old"));
        Files.writeString(history.resolve("jobs/old/job.json"), "{}");
        StartupFileDigests.record(history, "old", List.of(toml));
        Files.writeString(toml, "model = \"b\"\n");
        StartupFileDigests.record(history, "newer", List.of(toml));

        assertThat(StartupFileDigests.changes(history, List.of(toml))).isEmpty();
        assertThat(StartupFileDigests.changes(history, "old", List.of(toml))).containsExactly(
                "Warning: " + toml + " changed after job old ended; check it before trusting this run");
        assertThat(history.resolve("jobs/newer")).doesNotExist();
    }
}
