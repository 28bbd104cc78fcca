package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.perstack.core.launch.ExitStatus;
import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.LaunchedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/isolation.md §8: nothing of a job survives it: processes, sockets, cgroups, scratch files. */
class SandboxCleanupTest {
    @TempDir
    Path ws;

    private static boolean anyRunning(String marker) {
        return ProcessHandle.allProcesses().anyMatch(h -> h.isAlive()
                && h.info().commandLine().map(c -> c.contains(marker)).orElse(false) && !zombie(h.pid()));
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    private static List<Path> cgroupDirs(Sandbox sandbox) {
        return sandbox.limits() instanceof ResourceLimits.Cgroups c ? List.copyOf(c.jobDirectories().keySet())
                : List.of();
    }

    private static long entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void closingTheJobEndsEveryProcessAndRemovesSocketsCgroupsAndScratch() throws Exception {
        Sandbox sandbox = Sandboxes.open(ws);
        LaunchedProcess skill = sandbox.launcher("skill").launch(new LaunchSpec(List.of("sleep", "2001"), ws,
                Sandboxes.execEnvironment(), null, LaunchSpec.Stdin.PIPE));
        LaunchedProcess exec = sandbox.launcher("exec").launch(new LaunchSpec(List.of("/bin/sh", "-c",
                "trap '' TERM; sleep 2002 & sleep 2003"), ws, Sandboxes.execEnvironment(), Duration.ofMinutes(5),
                null));
        await().atMost(Duration.ofSeconds(5)).until(() -> anyRunning("sleep 2001") && anyRunning("sleep 2003"));
        Path scratch = sandbox.scratch();
        List<Path> cgroups = cgroupDirs(sandbox);
        assertThat(entries(scratch.resolve("sock"))).isEqualTo(2);

        sandbox.close();

        assertThat(skill.exit().get(10, TimeUnit.SECONDS).signal()).isNotNull();
        assertThat(exec.exit().get(10, TimeUnit.SECONDS).signal()).isNotNull();
        // The kernel kills what is left of the pid namespace when its init exits, but tears those processes down
        // asynchronously: a moment after close() the orphaned `sleep 2002` (it ignores TERM) may still be on its way.
        await().atMost(Duration.ofSeconds(5)).until(() -> !anyRunning("sleep 200"));
        assertThat(scratch).doesNotExist();
        assertThat(cgroups).allSatisfy(dir -> assertThat(dir).doesNotExist());
        assertThat(Files.exists(ws)).isTrue();
    }

    @Test
    void aCrashedSkillReleasesItsSocketAndCgroupAtOnce() throws Exception {
        try (Sandbox sandbox = Sandboxes.open(ws)) {
            LaunchedProcess crashing = sandbox.launcher("crasher").launch(new LaunchSpec(List.of("/bin/sh", "-c",
                    "sleep 2004 & kill -SEGV $$"), ws, Sandboxes.execEnvironment(), null, LaunchSpec.Stdin.PIPE));

            ExitStatus status = crashing.exit().get(10, TimeUnit.SECONDS);

            assertThat(status.signal()).isEqualTo("SIGSEGV");
            assertThat(entries(sandbox.scratch().resolve("sock"))).isZero();
            for (Path dir : cgroupDirs(sandbox)) {
                // removed in the background once the kernel lets go of the cgroup
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    try (Stream<Path> children = Files.list(dir)) {
                        assertThat(children.filter(Files::isDirectory).toList()).isEmpty();
                    }
                });
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !anyRunning("sleep 2004"));
        }
    }

    @Test
    void theScratchOfADeadRuntimeIsRemovedByTheNextJob() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createTempDirectory("perstack-stale-");
        Files.writeString(stale.resolve("owner"), gone.pid() + " 1970-01-01T00:00:00Z");
        Files.createDirectories(stale.resolve("home/0-exec"));
        Path live = Files.createTempDirectory("perstack-live-");
        Files.writeString(live.resolve("owner"), ProcessHandle.current().pid() + " "
                + ProcessHandle.current().info().startInstant().orElseThrow());
        List<Path> created = new ArrayList<>(List.of(live));
        try (Sandbox sandbox = Sandboxes.open(ws)) {
            assertThat(stale).doesNotExist();
            assertThat(live).exists();
            assertThat(sandbox.scratch()).exists();
        } finally {
            for (Path p : created) {
                Sandbox.deleteTree(p);
            }
        }
    }
}
