package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/isolation.md §6.3 and SR-12/SR-66: cgroups when the host allows them, otherwise rlimits and a warning. */
class ResourceLimitsTest {
    @TempDir
    Path dir;

    private Path proc(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void cgroupV1HierarchiesWeMayWriteToHoldEachProcessWithTheSpecifiedLimits() throws Exception {
        Path memory = Files.createDirectories(dir.resolve("fs/memory/docker/abc"));
        Path pids = Files.createDirectories(dir.resolve("fs/pids/docker/abc"));
        Path cpu = Files.createDirectories(dir.resolve("fs/cpu,cpuacct/docker/abc"));
        Path cgroup = proc("cgroup", "4:memory:/docker/abc\n8:pids:/docker/abc\n2:cpu,cpuacct:/docker/abc\n0::/\n");
        Path mountinfo = proc("mountinfo", ""
                + "35 31 0:32 / " + dir.resolve("fs/memory") + " rw - cgroup cgroup rw,memory\n"
                + "39 31 0:36 / " + dir.resolve("fs/pids") + " rw - cgroup cgroup rw,pids\n"
                + "32 31 0:29 / " + dir.resolve("fs/cpu\\054cpuacct").toString().replace("\\\\", "\\")
                + " rw - cgroup cgroup rw,cpu,cpuacct\n");

        ResourceLimits limits = ResourceLimits.detect("job-x", cgroup, mountinfo);
        ResourceLimits.Applied applied = limits.apply();

        assertThat(limits).isInstanceOf(ResourceLimits.Cgroups.class);
        assertThat(Files.readString(memory.resolve("job-x/p1/memory.limit_in_bytes"))).isEqualTo("2147483648");
        assertThat(Files.readString(pids.resolve("job-x/p1/pids.max"))).isEqualTo("256");
        assertThat(Files.readString(cpu.resolve("job-x/p1/cpu.cfs_quota_us"))).isEqualTo("200000");
        assertThat(applied.helperArguments()).containsExactly(
                "--join", memory.resolve("job-x/p1/cgroup.procs").toString(),
                "--join", pids.resolve("job-x/p1/cgroup.procs").toString(),
                "--join", cpu.resolve("job-x/p1/cgroup.procs").toString());
        // a fake hierarchy holds the limit files, so remove them the way the kernel would on rmdir
        for (Path p : applied.cgroups()) {
            try (var files = Files.list(p)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        limits.release(applied);
        limits.close();
        assertThat(memory.resolve("job-x")).doesNotExist();
    }

    @Test
    void cgroupsOfAJobWhoseScratchDirectoryIsGoneAreRemoved() throws Exception {
        Path pids = Files.createDirectories(dir.resolve("fs/pids/x"));
        Path stale = Files.createDirectories(pids.resolve("perstack-gone-" + System.nanoTime() + "/p1"));
        Path liveScratch = Files.createTempDirectory("perstack-alive-");
        Path live = Files.createDirectories(pids.resolve(liveScratch.getFileName().toString()));
        Path cgroup = proc("cgroup", "8:pids:/x\n4:memory:/x\n");
        Files.createDirectories(dir.resolve("fs/memory/x"));
        Path mountinfo = proc("mountinfo", ""
                + "35 31 0:32 / " + dir.resolve("fs/memory") + " rw - cgroup cgroup rw,memory\n"
                + "39 31 0:36 / " + dir.resolve("fs/pids") + " rw - cgroup cgroup rw,pids\n");
        try {
            ResourceLimits.detect("job-s", cgroup, mountinfo);

            assertThat(stale.getParent()).doesNotExist();
            assertThat(live).exists();
        } finally {
            Files.delete(liveScratch);
        }
    }

    @Test
    void cgroupV2IsUsedOnlyWhenMemoryAndPidsAreDelegatedToUs() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("fs2/user.slice/app"));
        Path cgroup = proc("cgroup", "0::/user.slice/app\n");
        Path mountinfo = proc("mountinfo", "31 23 0:28 / " + dir.resolve("fs2") + " rw - cgroup2 cgroup2 rw\n");

        Files.writeString(mine.resolve("cgroup.subtree_control"), "cpu io\n");
        assertThat(ResourceLimits.detect("job-y", cgroup, mountinfo)).isInstanceOf(ResourceLimits.Rlimits.class);

        Files.writeString(mine.resolve("cgroup.subtree_control"), "cpu memory pids\n");
        ResourceLimits limits = ResourceLimits.detect("job-y", cgroup, mountinfo);
        assertThat(limits).isInstanceOf(ResourceLimits.Cgroups.class);
        limits.apply();
        assertThat(Files.readString(mine.resolve("job-y/p1/memory.max"))).isEqualTo("2147483648");
        assertThat(Files.readString(mine.resolve("job-y/p1/pids.max"))).isEqualTo("256");
        assertThat(Files.readString(mine.resolve("job-y/p1/cpu.max"))).isEqualTo("200000 100000");
    }

    @Test
    void withoutUsableCgroupsTheLimitsAreRlimits() throws Exception {
        Path cgroup = proc("cgroup", "4:memory:/elsewhere\n");
        Path mountinfo = proc("mountinfo", "35 31 0:32 / /nonexistent/memory rw - cgroup cgroup rw,memory\n");

        assertThat(ResourceLimits.detect("job-z", cgroup, mountinfo)).isInstanceOf(ResourceLimits.Rlimits.class);
        assertThat(ResourceLimits.detect("job-z", dir.resolve("missing"), mountinfo))
                .isInstanceOf(ResourceLimits.Rlimits.class);
    }

    @Test
    void rlimitsApplyInsideTheSandboxAndTheWarningIsShown() {
        List<String> warnings = new ArrayList<>();
        try (Sandbox sandbox = Sandbox.prepare(new SandboxSettings("job-rl", dir, List.of(), List.of(), List.of(),
                null, List.of(), null, warnings::add, Sandboxes.HOST_ENV.get("PATH")),
                name -> new ResourceLimits.Rlimits())) {
            Sandboxes.Result r = Sandboxes.run(sandbox.launcher("exec"), dir, Duration.ofSeconds(30), "/bin/sh",
                    "-c", "ulimit -v; ulimit -f; ulimit -c");

            assertThat(r.out().lines().toList()).containsExactly("4194304", "2097152", "0");
            assertThat(warnings).containsExactly(ResourceLimits.BEST_EFFORT_WARNING);
        }
    }

    @Test
    void onThisHostAForkBombStopsAtThePidLimitOrTheWarningSaysLimitsAreBestEffort() {
        List<String> warnings = new ArrayList<>();
        try (Sandbox sandbox = Sandboxes.open(dir, List.of(), List.of(), List.of(), null, List.of(), null,
                warnings)) {
            Sandboxes.Result r = Sandboxes.run(sandbox.launcher("exec"), dir, Duration.ofSeconds(60), "/bin/sh",
                    "-c", "i=0; while [ $i -lt 400 ]; do sleep 20 & i=$((i+1)); done; echo all-400-started");

            if (sandbox.limits() instanceof ResourceLimits.Cgroups) {
                assertThat(r.stderr()).contains("Cannot fork");
                assertThat(r.stdout()).doesNotContain("all-400-started");
                assertThat(warnings).isEmpty();
            } else {
                assertThat(warnings).containsExactly(ResourceLimits.BEST_EFFORT_WARNING);
            }
        }
    }
}
