package io.perstack.sandbox.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.perstack.core.launch.CommandNotFoundException;
import io.perstack.core.launch.ExitStatus;
import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.LaunchedProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLauncherTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    private final LocalLauncher launcher = new LocalLauncher();

    private LaunchSpec spec(Duration timeout, String... command) {
        return new LaunchSpec(List.of(command), dir, ENV, timeout, LaunchSpec.Stdin.NULL);
    }

    private static String readAll(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Alive and not a zombie: a killed orphan may wait for a reaper that a container's init never runs. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void argumentsReachTheProgramLiterallyWithoutAShell() throws Exception {
        try (LaunchedProcess p = launcher.launch(spec(null, "echo", "$(id)", "; rm -rf /", "`id`", "*"))) {
            assertThat(readAll(p.stdout())).isEqualTo("$(id) ; rm -rf / `id` *\n");
            assertThat(p.exit().get(10, TimeUnit.SECONDS).code()).isZero();
        }
    }

    @Test
    void theEnvironmentIsExactlyTheSpecsNothingInherited() throws Exception {
        LaunchSpec spec = new LaunchSpec(List.of("env"), dir, Map.of("PATH", "/usr/bin:/bin", "ONLY", "me"), null,
                null);
        try (LaunchedProcess p = launcher.launch(spec)) {
            assertThat(readAll(p.stdout()).lines().sorted().toList()).containsExactly("ONLY=me",
                    "PATH=/usr/bin:/bin");
        }
    }

    @Test
    void theProcessStartsInTheRequestedDirectory() throws Exception {
        try (LaunchedProcess p = launcher.launch(spec(null, "pwd"))) {
            assertThat(readAll(p.stdout()).strip()).isEqualTo(dir.toRealPath().toString());
        }
    }

    @Test
    void programsAreLookedUpOnTheChildsPathNotTheRuntimes() throws Exception {
        Path tools = Files.createDirectory(dir.resolve("tools"));
        Path tool = tools.resolve("mytool");
        Files.writeString(tool, "#!/bin/sh\necho from-tool\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));

        LaunchSpec found = new LaunchSpec(List.of("mytool"), dir, Map.of("PATH", tools.toString()), null, null);
        try (LaunchedProcess p = launcher.launch(found)) {
            assertThat(readAll(p.stdout())).isEqualTo("from-tool\n");
        }
        assertThatThrownBy(() -> launcher.launch(spec(null, "mytool")))
                .isInstanceOf(CommandNotFoundException.class).hasMessage("Command not found: mytool");
        assertThatThrownBy(() -> launcher.launch(spec(null, "./missing")))
                .isInstanceOf(CommandNotFoundException.class);
    }

    @Test
    void stdinIsEmptyUnlessPiped() throws Exception {
        try (LaunchedProcess p = launcher.launch(spec(Duration.ofSeconds(10), "cat"))) {
            assertThat(readAll(p.stdout())).isEmpty();
            assertThat(p.exit().get(10, TimeUnit.SECONDS).timedOut()).isFalse();
        }
        LaunchSpec piped = new LaunchSpec(List.of("cat"), dir, ENV, null, LaunchSpec.Stdin.PIPE);
        try (LaunchedProcess p = launcher.launch(piped)) {
            p.stdin().write("hello".getBytes(StandardCharsets.UTF_8));
            p.stdin().close();
            assertThat(readAll(p.stdout())).isEqualTo("hello");
        }
    }

    @Test
    void timeoutKillsTheWholeProcessGroupIncludingGrandchildren() throws Exception {
        assertThat(launcher.groupsProcesses()).isTrue();
        LaunchedProcess p = launcher.launch(spec(Duration.ofMillis(300), "/bin/sh", "-c",
                "sleep 1000 & echo $!; sleep 1000"));
        long grandchild = Long.parseLong(new BufferedReader(new InputStreamReader(p.stdout())).readLine());
        assertThat(running(grandchild)).isTrue();

        ExitStatus status = p.exit().get(10, TimeUnit.SECONDS);

        assertThat(status.timedOut()).isTrue();
        assertThat(status.signal()).isEqualTo("SIGTERM");
        await().atMost(Duration.ofSeconds(5)).until(() -> !running(grandchild));
    }

    @Test
    void timeoutAlsoReachesDescendantsThatLeftTheGroup() throws Exception {
        LaunchedProcess p = launcher.launch(spec(Duration.ofMillis(300), "/bin/sh", "-c",
                "setsid sleep 1000 & echo $!; sleep 1000"));
        long escaped = Long.parseLong(new BufferedReader(new InputStreamReader(p.stdout())).readLine());
        await().atMost(Duration.ofSeconds(5)).until(() -> running(escaped));

        assertThat(p.exit().get(10, TimeUnit.SECONDS).timedOut()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !running(escaped));
    }

    @Test
    void aProcessIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
        long start = System.nanoTime();
        LaunchedProcess p = launcher.launch(spec(Duration.ofMillis(200), "/bin/sh", "-c",
                "trap '' TERM; sleep 1000"));

        ExitStatus status = p.exit().get(15, TimeUnit.SECONDS);

        assertThat(status.signal()).isEqualTo("SIGKILL");
        assertThat(status.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void backgroundChildrenDieWhenTheCommandExits() throws Exception {
        LaunchedProcess p = launcher.launch(spec(Duration.ofSeconds(30), "/bin/sh", "-c",
                "sleep 1000 >/dev/null 2>&1 & echo $!"));
        long background = Long.parseLong(new BufferedReader(new InputStreamReader(p.stdout())).readLine());

        assertThat(p.exit().get(10, TimeUnit.SECONDS).code()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> !running(background));
    }

    @Test
    void nonZeroExitCodesAreReported() throws Exception {
        try (LaunchedProcess p = launcher.launch(spec(null, "/bin/sh", "-c", "exit 3"))) {
            ExitStatus status = p.exit().get(10, TimeUnit.SECONDS);
            assertThat(status.code()).isEqualTo(3);
            assertThat(status.signal()).isNull();
        }
    }
}
