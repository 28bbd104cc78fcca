package io.perstack.sandbox.bwrap;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher contract of docs/isolation.md §1 under the sandbox backend: exit status, kill, environment, stdin. */
class SandboxProcessTest {
    @TempDir
    static Path ws;

    private static Sandbox sandbox;

    @BeforeAll
    static void open() {
        sandbox = Sandboxes.open(ws);
    }

    @AfterAll
    static void close() {
        sandbox.close();
    }

    /** Host pids of the processes inside a sandbox whose command line contains {@code marker}. */
    /** Host processes whose command line contains {@code marker}: markers are unusual numbers nothing else runs. */
    private static List<Long> hostPidsRunning(String marker) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .filter(h -> running(h.pid()))
                .map(ProcessHandle::pid).toList();
    }

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
    void argumentsArriveLiterallyAndExitCodesAreReported() {
        Sandboxes.Result echo = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(30), "echo",
                "$(id)", "; rm -rf /", "`id`", "*");
        Sandboxes.Result three = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(30), "/bin/sh",
                "-c", "exit 3");
        Sandboxes.Result killed = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(30), "/bin/sh",
                "-c", "kill -KILL $$");

        assertThat(echo.stdout()).isEqualTo("$(id) ; rm -rf / `id` *\n");
        assertThat(three.status()).isEqualTo(new ExitStatus(3, null, false));
        assertThat(killed.status().signal()).isEqualTo("SIGKILL");
    }

    @Test
    void theEnvironmentIsTheBackendsNoHostValuesNoSecrets() {
        Sandboxes.Result env = Sandboxes.run(sandbox.launcher("exec"), new LaunchSpec(List.of("env"), ws,
                Sandbox.environment(Sandboxes.HOST_ENV, List.of()).forExec(Map.of("FOO", "bar", "PATH", "/evil",
                        "HTTPS_PROXY", "http://evil:1")).environment(), Duration.ofSeconds(30), null));

        assertThat(env.stdout().lines().sorted().toList()).containsExactly("FOO=bar", "HOME=/home/perstack",
                "HTTPS_PROXY=http://127.0.0.1:3128", "HTTP_PROXY=http://127.0.0.1:3128",
                "NODE_USE_ENV_PROXY=1", "NO_PROXY=localhost,127.0.0.1",
                "NPM_CONFIG_HTTPS_PROXY=http://127.0.0.1:3128", "NPM_CONFIG_PROXY=http://127.0.0.1:3128",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "PWD=/workspace",
                "SHELL=/bin/sh", "TERM=dumb", "http_proxy=http://127.0.0.1:3128",
                "https_proxy=http://127.0.0.1:3128", "no_proxy=localhost,127.0.0.1");
    }

    @Test
    void secretsNeverAppearOnAnyCommandLine() throws Exception {
        LaunchSpec spec = new LaunchSpec(List.of("sleep", "30"), ws, Map.of("PATH", "/usr/bin:/bin",
                "SKILL_TOKEN", "canary-required-env-0007"), Duration.ofSeconds(30), null);
        try (LaunchedProcess p = sandbox.launcher("my-skill").launch(spec)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !hostPidsRunning("sleep 30").isEmpty());
            String everyCommandLine = String.join("\n", ProcessHandle.allProcesses()
                    .map(h -> h.info().commandLine().orElse("")).toList());
            assertThat(everyCommandLine).doesNotContain("canary-required-env-0007");
        }
    }

    @Test
    void aMissingProgramIsReportedBeforeAnythingStarts() {
        assertThatThrownBy(() -> sandbox.launcher("exec").launch(new LaunchSpec(List.of("no-such-program-xyz"),
                ws, Sandboxes.execEnvironment(), null, null)))
                .isInstanceOf(CommandNotFoundException.class).hasMessage("Command not found: no-such-program-xyz");
        assertThatThrownBy(() -> sandbox.launcher("exec").launch(new LaunchSpec(List.of("/root/.local/bin/tool"),
                ws, Sandboxes.execEnvironment(), null, null))).isInstanceOf(CommandNotFoundException.class);
    }

    @Test
    void stdinIsEmptyUnlessPiped() throws Exception {
        assertThat(Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(10), "cat").stdout()).isEmpty();
        LaunchSpec piped = new LaunchSpec(List.of("cat"), ws, Sandboxes.execEnvironment(), null,
                LaunchSpec.Stdin.PIPE);
        try (LaunchedProcess p = sandbox.launcher("skill").launch(piped)) {
            p.stdin().write("hello".getBytes(StandardCharsets.UTF_8));
            p.stdin().close();
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
    }

    @Test
    void aTimeoutEndsTheCommandAndEverythingItStarted() throws Exception {
        LaunchedProcess p = sandbox.launcher("exec").launch(new LaunchSpec(List.of("/bin/sh", "-c",
                "setsid sleep 4242001 & sleep 4242002 & echo started; sleep 4242003"), ws, Sandboxes.execEnvironment(),
                Duration.ofMillis(500), null));
        assertThat(new BufferedReader(new InputStreamReader(p.stdout())).readLine()).isEqualTo("started");

        ExitStatus status = p.exit().get(10, TimeUnit.SECONDS);

        assertThat(status.timedOut()).isTrue();
        assertThat(status.signal()).isEqualTo("SIGTERM");
        await().atMost(Duration.ofSeconds(5)).until(() -> hostPidsRunning("sleep 424200").isEmpty());
    }

    @Test
    void aCommandIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
        long start = System.nanoTime();
        LaunchedProcess p = sandbox.launcher("exec").launch(new LaunchSpec(List.of("/bin/sh", "-c",
                "trap '' TERM; echo ready; while :; do sleep 1; done"), ws, Sandboxes.execEnvironment(),
                Duration.ofMillis(300), null));
        Sandboxes.drain(p.stdout());

        ExitStatus status = p.exit().get(15, TimeUnit.SECONDS);

        assertThat(status.signal()).isEqualTo("SIGKILL");
        assertThat(status.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void backgroundChildrenDieWhenTheCommandExits() {
        Sandboxes.Result r = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(30), "/bin/sh", "-c",
                "sleep 4242004 >/dev/null 2>&1 & echo spawned");

        assertThat(r.out()).isEqualTo("spawned");
        await().atMost(Duration.ofSeconds(5)).until(() -> hostPidsRunning("sleep 4242004").isEmpty());
    }
}
