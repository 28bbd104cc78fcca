package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandboxed run can neither reach the host kernel's privileged interfaces nor prepare an attack on the next run
 * (docs/sandbox.md §1–§5). Each test is an attack that worked before these protections.
 */
class SandboxIntegrityTest {
    @TempDir
    Path ws;

    private static Sandbox open(Path workspace, List<Path> startupFiles) {
        return Sandbox.prepare(new SandboxSettings("job-" + System.nanoTime(), workspace, List.of(workspace
                .resolve("perstack")), List.of(), List.of(), null, List.of(), null, w -> { },
                Sandboxes.HOST_ENV.get("PATH"), startupFiles, false));
    }

    private static Sandboxes.Result sh(Sandbox sandbox, String process, Path cwd, String script) {
        return Sandboxes.run(sandbox.launcher(process), cwd, Duration.ofSeconds(60), "/bin/sh", "-c", script);
    }

    @Test
    void statusShowsAnUnprivilegedUserNoCapabilitiesAndASeccompFilterForExecAndSkills() {
        try (Sandbox sandbox = open(ws, List.of())) {
            for (String process : List.of("exec", "my-skill")) {
                Sandboxes.Result r = sh(sandbox, process, ws, "cat /proc/self/status");

                assertThat(r.out()).containsPattern("(?m)^Uid:\\s+1000\\s").contains("CapEff:\t0000000000000000",
                        "Seccomp:\t2");
            }
        }
    }

    @Test
    void onTheHostTheSandboxedProcessIsNeverRootWhoeverRunsTheRuntime() throws Exception {
        try (Sandbox sandbox = open(ws, List.of());
             io.perstack.core.launch.LaunchedProcess p = sandbox.launcher("exec").launch(
                     new io.perstack.core.launch.LaunchSpec(List.of("/bin/sleep", "7.531"), ws,
                             Sandboxes.execEnvironment(), Duration.ofSeconds(30),
                             io.perstack.core.launch.LaunchSpec.Stdin.NULL))) {
            String uid = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                    () -> hostUidOf("/bin/sleep\u00007.531"), java.util.Objects::nonNull);

            assertThat(uid).isNotEqualTo("0");
            if (Sandbox.runsAsRoot()) {
                assertThat(uid).isEqualTo(Integer.toString(Sandbox.ROOT_SANDBOX_UID));
            }
            p.terminate();
        }
    }

    /** The real uid, as the host sees it, of the process whose command line is {@code cmdline}. */
    private static String hostUidOf(String cmdline) throws IOException {
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try {
                    String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")),
                            java.nio.charset.StandardCharsets.UTF_8);
                    if (cmd.equals(cmdline + "\u0000")) {
                        return Files.readAllLines(proc.resolve("status")).stream().filter(l -> l.startsWith("Uid:"))
                                .findFirst().orElseThrow().split("\\s+")[1];
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return null;
    }

    @Test
    void kernelInterfacesCannotBeWritten() {
        try (Sandbox sandbox = open(ws, List.of())) {
            // Appending nothing opens for writing without changing anything, should the open ever succeed.
            Sandboxes.Result r = sh(sandbox, "exec", ws, "for f in /proc/sys/kernel/core_pattern "
                    + "/proc/sys/kernel/modprobe /proc/sysrq-trigger /sys/kernel/uevent_helper; do "
                    + "if (: >> $f) 2>/dev/null; then echo $f writable; else echo $f refused; fi; done");

            assertThat(r.out().lines().toList()).containsExactly("/proc/sys/kernel/core_pattern refused",
                    "/proc/sys/kernel/modprobe refused", "/proc/sysrq-trigger refused",
                    "/sys/kernel/uevent_helper refused");
        }
    }

    @Test
    void theSeccompFilterDeniesKernelAttackSurface() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "syscall numbers below are x86_64's");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 runs the raw system calls");
        String script = """
                import ctypes, socket
                libc = ctypes.CDLL(None, use_errno=True)
                calls = {"keyctl": (250, 0, -3, 0), "add_key": (248, 0, 0, 0, 0, 0), "request_key": (249, 0, 0, 0, 0),
                         "ptrace": (101, 16, 1, 0, 0), "mount": (165, 0, 0, 0, 0, 0), "umount2": (166, 0, 0),
                         "unshare": (272, 0x10000000), "setns": (308, 0, 0), "bpf": (321, 0, 0, 0),
                         "perf_event_open": (298, 0, 0, -1, -1, 0), "userfaultfd": (323, 0),
                         "io_uring_setup": (425, 1, 0), "kexec_load": (246, 0, 0, 0, 0), "init_module": (175, 0, 0, 0),
                         "open_by_handle_at": (304, 0, 0, 0), "personality": (135, 0x0040000)}
                for name, args in sorted(calls.items()):
                    rc = libc.syscall(*[ctypes.c_long(a) for a in args])
                    print(name, "allowed" if rc >= 0 else "denied")
                for family in ("AF_NETLINK", "AF_PACKET"):
                    try:
                        socket.socket(getattr(socket, family), socket.SOCK_RAW)
                        print(family, "allowed")
                    except OSError:
                        print(family, "denied")
                """;
        try (Sandbox sandbox = open(ws, List.of())) {
            for (String process : List.of("exec", "my-skill")) {
                Sandboxes.Result r = Sandboxes.run(sandbox.launcher(process), ws, Duration.ofSeconds(60),
                        "/usr/bin/python3", "-c", script);

                assertThat(r.out().lines().toList()).as(r.toString()).hasSize(18).allMatch(l -> l.endsWith(" denied"));
            }
        }
    }

    @Test
    void filesTheNextRunReadsCannotBeChangedCreatedOrMovedAway() throws IOException {
        Files.writeString(ws.resolve("perstack.toml"), "model = \"claude-sonnet-4-5\"\n");
        Files.createDirectory(ws.resolve("sub"));
        List<Path> startup = List.of(ws.resolve("perstack.toml"), ws.resolve("perstack.lock"),
                ws.resolve(".env"), ws.resolve(".env.local"), ws.resolve("sub/.env"));
        String attack = "cd /workspace; "
                + "echo 'runtime = \"local\"' >> perstack.toml 2>/dev/null && echo toml-changed; "
                + "echo 'version = \"1\"' > perstack.lock 2>/dev/null && echo lock-created; "
                + "echo ANTHROPIC_BASE_URL=http://attacker/v1 > .env.local 2>/dev/null && echo env-created; "
                + "echo X=1 > .env 2>/dev/null && echo env-created; "
                + "mv perstack.toml old.toml 2>/dev/null && echo toml-moved; "
                + "rm -f perstack.lock 2>/dev/null; [ -e perstack.lock ] || echo lock-removed; "
                + "mv sub sub2 2>/dev/null && mkdir sub && echo X=1 > sub/.env && echo sub-swapped; "
                + "echo X=1 > sub/.env 2>/dev/null && echo sub-env-created; echo done";

        // Two jobs in a row attack; what a third run would load is what the user wrote.
        for (int job = 0; job < 2; job++) {
            try (Sandbox sandbox = open(ws, startup)) {
                Sandboxes.Result r = sh(sandbox, "exec", ws, attack);

                assertThat(r.out()).as(r.toString()).isEqualTo("done");
            }
            assertThat(Files.readString(ws.resolve("perstack.toml"))).isEqualTo("model = \"claude-sonnet-4-5\"\n");
            for (String absent : List.of("perstack.lock", ".env", ".env.local", "sub/.env", "sub2", "old.toml")) {
                assertThat(ws.resolve(absent)).as("%s after job %d", absent, job).doesNotExist();
            }
        }
    }

    @Test
    void aLoadedEnvFileThatIsAlsoAStartupFileStaysEmptyInside() throws IOException {
        Path env = Files.writeString(ws.resolve(".env"), "ANTHROPIC_API_KEY=sk-ant-canary-masked-0008\n");
        try (Sandbox sandbox = Sandbox.prepare(new SandboxSettings("job-" + System.nanoTime(), ws, List.of(),
                List.of(env), List.of(), null, List.of(), null, w -> { }, Sandboxes.HOST_ENV.get("PATH"),
                List.of(env), false))) {
            Sandboxes.Result r = sh(sandbox, "exec", ws, "wc -c < /workspace/.env; cat /workspace/.env; "
                    + "echo X=1 >> /workspace/.env 2>/dev/null && echo changed; echo done");

            assertThat(r.out().lines().toList()).containsExactly("0", "done");
        }
        assertThat(Files.readString(env)).isEqualTo("ANTHROPIC_API_KEY=sk-ant-canary-masked-0008\n");
    }

    @Test
    void versionControlAndToolMetadataCannotBeRenamedReplacedOrCreated() throws IOException {
        Files.createDirectories(ws.resolve(".git/hooks"));
        Files.writeString(ws.resolve(".git/config"), "[core]\n");
        String attack = "cd /workspace; "
                + "mv .git .git-old 2>/dev/null && echo git-moved; "
                + "echo evil > .git/hooks/pre-commit 2>/dev/null && echo hook-planted; "
                + "echo '[core] fsmonitor = evil' >> .git/config 2>/dev/null && echo config-changed; "
                + "mkdir -p .hg 2>/dev/null; echo x > .hg/hgrc 2>/dev/null && echo hg-created; "
                + "echo x > .gitmodules 2>/dev/null && echo gitmodules-created; "
                + "mkdir -p .vscode; echo '{}' > .vscode/tasks.json 2>/dev/null && echo vscode-created; "
                + "echo x > .envrc 2>/dev/null && echo envrc-created; echo x > .mcp.json 2>/dev/null && echo mcp; "
                + "echo done";
        try (Sandbox sandbox = open(ws, List.of())) {
            Sandboxes.Result r = sh(sandbox, "exec", ws, attack);

            assertThat(r.out()).as(r.toString()).isEqualTo("done");
        }
        assertThat(ws.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(Files.readString(ws.resolve(".git/config"))).isEqualTo("[core]\n");
        for (String absent : List.of(".git-old", ".hg", ".gitmodules", ".vscode", ".envrc", ".mcp.json")) {
            assertThat(ws.resolve(absent)).as(absent).doesNotExist();
        }
    }

    @Test
    void aGitFileOfAWorktreeAndAMissingGitAreProtectedToo() throws IOException {
        Files.writeString(ws.resolve(".git"), "gitdir: /elsewhere/.git/worktrees/w\n");
        Path fresh = Files.createDirectory(ws.resolve("fresh"));
        try (Sandbox sandbox = open(ws, List.of()); Sandbox other = open(fresh, List.of())) {
            Sandboxes.Result r = sh(sandbox, "exec", ws, "cd /workspace; echo 'gitdir: /tmp/evil' > .git "
                    + "2>/dev/null && echo gitfile-changed; mv .git moved 2>/dev/null && echo gitfile-moved; echo done");
            Sandboxes.Result created = sh(other, "exec", fresh, "cd /workspace; mkdir -p .git/hooks 2>/dev/null "
                    + "&& echo git-created; git init -q . 2>/dev/null && echo git-init; echo done");

            assertThat(r.out()).isEqualTo("done");
            assertThat(created.out()).isEqualTo("done");
        }
        assertThat(Files.readString(ws.resolve(".git"))).isEqualTo("gitdir: /elsewhere/.git/worktrees/w\n");
        assertThat(fresh.resolve(".git")).doesNotExist();
    }

    @Test
    void requireLimitsRefusesToStartWhenALimitCannotBeEnforcedAndSaysWhich() {
        SandboxSettings settings = new SandboxSettings("job-" + System.nanoTime(), ws, List.of(), List.of(),
                List.of(), null, List.of(), null, w -> { }, Sandboxes.HOST_ENV.get("PATH"), List.of(), true);

        assertThatThrownBy(() -> Sandbox.prepare(settings, name -> new ResourceLimits.Rlimits(true)).close())
                .isInstanceOf(SandboxUnavailable.class)
                .hasMessageContaining("sandbox.requireLimits is set")
                .hasMessageContaining("memory, cpu");
        assertThatThrownBy(() -> Sandbox.prepare(settings, name -> new ResourceLimits.Rlimits(false)).close())
                .hasMessageContaining("memory, processes, cpu");
    }

    @Test
    void withoutCgroupsTheProcessCountOfOneSandboxIsStillCapped() {
        assumeTrue(ResourceLimits.kernelAtLeast(System.getProperty("os.version"), 5, 14),
                "the kernel counts processes per user namespace from 5.14 on");
        SandboxSettings settings = new SandboxSettings("job-" + System.nanoTime(), ws, List.of(), List.of(),
                List.of(), null, List.of(), null, w -> { }, Sandboxes.HOST_ENV.get("PATH"), List.of(), false);
        try (Sandbox sandbox = Sandbox.prepare(settings, name -> new ResourceLimits.Rlimits(true))) {
                        Sandboxes.Result r = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(60),
                    "/usr/bin/python3", "-c", Sandboxes.FORK_COUNTER);

            assertThat(Integer.parseInt(r.out().lines().toList().getLast()))
                    .isLessThanOrEqualTo(ResourceLimits.MAX_PIDS).isGreaterThan(100);
        }
    }

    @Test
    void aToolInASharedFolderOfTheHomeIsBoundAloneNeverTheFolder() {
        Path home = Path.of("/home/alice");

        assertThat(BubblewrapLauncher.ownInstallation(Path.of("/home/alice/.local"), home)).isFalse();
        assertThat(BubblewrapLauncher.ownInstallation(Path.of("/home/alice/.cargo"), home)).isFalse();
        assertThat(BubblewrapLauncher.ownInstallation(Path.of("/home/alice"), home)).isFalse();
        assertThat(BubblewrapLauncher.ownInstallation(Path.of("/home"), home)).isFalse();
        assertThat(BubblewrapLauncher.ownInstallation(Path.of("/home/alice/.nvm/versions/node/v22"), home)).isTrue();
        assertThat(BubblewrapLauncher.ownInstallation(Path.of("/srv/tools/node22"), home)).isTrue();
    }

    @Test
    void aUvxUnderDotLocalBindsOnlyTheProgramsNotDotLocal(@TempDir Path fakeHome) throws IOException {
        Path bin = Files.createDirectories(fakeHome.resolve(".local/bin"));
        Files.writeString(Files.createDirectories(fakeHome.resolve(".local/share")).resolve("secret"), "canary-0007");
        String look = "ls " + fakeHome.resolve(".local") + "; ls " + bin + "; cat " + fakeHome.resolve(
                ".local/share/secret") + " 2>/dev/null || echo no-secret";
        for (String tool : List.of("uvx", "uv")) {
            Path p = Files.writeString(bin.resolve(tool), "#!/bin/sh\necho " + tool + "-ran\n" + look + "\n");
            p.toFile().setExecutable(true, false);
        }
        String previous = System.getProperty("user.home");
        System.setProperty("user.home", fakeHome.toString());
        SandboxSettings settings = new SandboxSettings("job-" + System.nanoTime(), ws, List.of(), List.of(),
                List.of(), null, List.of(), null, w -> { }, bin + ":/usr/bin:/bin");
        try (Sandbox sandbox = Sandbox.prepare(settings)) {
            Sandboxes.Result r = Sandboxes.run(sandbox.launcher("exec"), new io.perstack.core.launch.LaunchSpec(
                    List.of("uvx"), ws, Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(30),
                    io.perstack.core.launch.LaunchSpec.Stdin.NULL));

            // What the launched program sees of the home: its own folder with the two programs, nothing else.
            assertThat(r.out().lines().toList()).as(r.toString()).containsExactly("uvx-ran", "bin", "uv", "uvx",
                    "no-secret");
        } finally {
            System.setProperty("user.home", previous);
        }
    }
}
