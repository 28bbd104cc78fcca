package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden argument vectors of {@link BwrapCommand} (docs/sandbox.md §1-§4): every flag, in order, for representative
 * policies. The builder is pure, so nothing here touches the file system; a change to any of these lists is a change
 * to the sandbox's security boundary and must be deliberate.
 */
class BwrapCommandTest {
    private static final Path SCRATCH = Path.of("/tmp/perstack-job-1");
    private static final Path WORKSPACE = Path.of("/home/dev/project");
    private static final Path IDMAP = SCRATCH.resolve("idmap/workspace");
    private static final int ROOT_UID = 1_900_000_000;
    private static final List<BwrapCommand.SystemEntry> MERGED_USR = List.of(
            new BwrapCommand.SystemEntry.Link("/bin", "usr/bin"),
            new BwrapCommand.SystemEntry.Link("/sbin", "usr/sbin"),
            new BwrapCommand.SystemEntry.Link("/lib", "usr/lib"),
            new BwrapCommand.SystemEntry.Link("/lib64", "usr/lib64"));
    private static final List<BwrapCommand.SystemEntry> REAL_DIRS = List.of(
            new BwrapCommand.SystemEntry.Directory("/bin"), new BwrapCommand.SystemEntry.Directory("/lib"),
            new BwrapCommand.SystemEntry.Directory("/lib64"));
    private static final Path SOCKET = SCRATCH.resolve("sock/1.sock");
    private static final List<String> COMMAND = List.of("sh", "-c", "echo hi");

    /** The generated /etc, the system binds of /etc and the kernel file systems: the same in every sandbox. */
    private static final List<String> ETC_AND_PROC = List.of(
            "--tmpfs", "/etc",
            "--ro-bind", "/tmp/perstack-job-1/etc/passwd", "/etc/passwd",
            "--ro-bind", "/tmp/perstack-job-1/etc/group", "/etc/group",
            "--ro-bind", "/tmp/perstack-job-1/etc/hosts", "/etc/hosts",
            "--ro-bind", "/tmp/perstack-job-1/etc/nsswitch.conf", "/etc/nsswitch.conf",
            "--ro-bind-try", "/etc/ssl", "/etc/ssl",
            "--ro-bind-try", "/etc/ca-certificates", "/etc/ca-certificates",
            "--ro-bind-try", "/etc/ca-certificates.conf", "/etc/ca-certificates.conf",
            "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
            "--ro-bind-try", "/etc/ld.so.conf", "/etc/ld.so.conf",
            "--ro-bind-try", "/etc/ld.so.conf.d", "/etc/ld.so.conf.d",
            "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
            "--ro-bind-try", "/etc/localtime", "/etc/localtime",
            "--proc", "/proc", "--dev", "/dev");
    private static final List<String> SIZED_TMP_AND_HOME = List.of(
            "--size", "268435456", "--perms", "1777", "--tmpfs", "/tmp",
            "--size", "536870912", "--perms", "0700", "--tmpfs", "/home/perstack");
    private static final List<String> IDENTITY = List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", "1000", "--gid", "1000", "--hostname", "perstack");
    private static final List<String> SOCKET_AND_HELPER = List.of(
            "--bind", "/tmp/perstack-job-1/sock/1.sock", "/run/perstack/egress.sock",
            "--ro-bind", "/tmp/perstack-job-1/helper", "/run/perstack/helper");
    private static final List<String> SEAL_ROOT = List.of("--remount-ro", "/etc", "--remount-ro", "/");

    private static BwrapCommand.Host nonRoot(BwrapFeatures features, List<BwrapCommand.SystemEntry> systemDirs,
                                             boolean opt) {
        return new BwrapCommand.Host(Path.of("/usr/bin/bwrap"), SCRATCH.resolve("helper"),
                SCRATCH.resolve("seccomp.bpf"), SCRATCH.resolve("etc"), SCRATCH.resolve("mask/dir"),
                SCRATCH.resolve("mask/file"), WORKSPACE, new BwrapCommand.Identity.RuntimeUser(), features, systemDirs,
                opt);
    }

    private static BwrapCommand.Host root(BwrapFeatures features, List<BwrapCommand.SystemEntry> systemDirs) {
        return new BwrapCommand.Host(Path.of("/usr/bin/bwrap"), SCRATCH.resolve("helper"),
                SCRATCH.resolve("seccomp.bpf"), SCRATCH.resolve("etc"), SCRATCH.resolve("mask/dir"),
                SCRATCH.resolve("mask/file"), WORKSPACE, new BwrapCommand.Identity.MappedUser(ROOT_UID, IDMAP),
                features, systemDirs, false);
    }

    private static BwrapCommand.Launch launch(List<String> helperLimits, List<String> forwarderLimits,
                                              List<String> maskedDirs, List<String> maskedFiles,
                                              List<ProtectedEntries.Pin> pins, List<BwrapCommand.ToolBind> tools) {
        return new BwrapCommand.Launch("/workspace", SOCKET, helperLimits, forwarderLimits, maskedDirs, maskedFiles,
                pins, tools, COMMAND);
    }

    private static List<String> concat(List<?>... parts) {
        List<String> all = new ArrayList<>();
        for (List<?> part : parts) {
            part.forEach(p -> all.add((String) p));
        }
        return all;
    }

    private static List<String> of(String... args) {
        return Arrays.asList(args);
    }

    @Test
    void aNonRootRuntimeUnsharesEverythingItselfAndDisablesNestedUserNamespaces() {
        List<String> argv = BwrapCommand.argv(nonRoot(new BwrapFeatures(true, true), MERGED_USR, true),
                launch(of("--join", "/sys/fs/cgroup/job/p1/cgroup.procs"), List.of(), List.of(), List.of(),
                        List.of(), List.of()));

        assertThat(argv).containsExactlyElementsOf(concat(
                of("/tmp/perstack-job-1/helper", "host", "--join", "/sys/fs/cgroup/job/p1/cgroup.procs",
                        "--seccomp-file", "/tmp/perstack-job-1/seccomp.bpf", "--", "/usr/bin/bwrap",
                        "--unshare-all", "--unshare-user", "--disable-userns"),
                IDENTITY,
                of("--ro-bind", "/usr", "/usr",
                        "--symlink", "usr/bin", "/bin",
                        "--symlink", "usr/sbin", "/sbin",
                        "--symlink", "usr/lib", "/lib",
                        "--symlink", "usr/lib64", "/lib64",
                        "--ro-bind", "/opt", "/opt"),
                ETC_AND_PROC,
                SIZED_TMP_AND_HOME,
                of("--bind", "/home/dev/project", "/workspace", "--perstack-pins"),
                SOCKET_AND_HELPER,
                SEAL_ROOT,
                of("--chdir", "/workspace", "--", "/run/perstack/helper", "forward", "/run/perstack/egress.sock",
                        "--", "sh", "-c", "echo hi")));
    }

    @Test
    void anOlderBubblewrapGetsNeitherDisableUsernsNorTmpfsSizes() {
        List<String> argv = BwrapCommand.argv(nonRoot(new BwrapFeatures(false, false), REAL_DIRS, false),
                launch(of("--rlimits"), of("--nproc", "256"), List.of(), List.of(), List.of(), List.of()));

        assertThat(argv).containsExactlyElementsOf(concat(
                of("/tmp/perstack-job-1/helper", "host", "--rlimits",
                        "--seccomp-file", "/tmp/perstack-job-1/seccomp.bpf", "--", "/usr/bin/bwrap",
                        "--unshare-all", "--unshare-user"),
                IDENTITY,
                of("--ro-bind", "/usr", "/usr",
                        "--ro-bind", "/bin", "/bin",
                        "--ro-bind", "/lib", "/lib",
                        "--ro-bind", "/lib64", "/lib64"),
                ETC_AND_PROC,
                of("--perms", "1777", "--tmpfs", "/tmp", "--perms", "0700", "--tmpfs", "/home/perstack"),
                of("--bind", "/home/dev/project", "/workspace", "--perstack-pins"),
                SOCKET_AND_HELPER,
                SEAL_ROOT,
                of("--chdir", "/workspace", "--", "/run/perstack/helper", "forward", "--nproc", "256",
                        "/run/perstack/egress.sock", "--", "sh", "-c", "echo hi")));
    }

    @Test
    void aRootRuntimeRunsAsAnUnprivilegedHostUserOnTheIdMappedWorkspace() {
        List<String> argv = BwrapCommand.argv(root(new BwrapFeatures(true, true), MERGED_USR),
                launch(of("--join", "/sys/fs/cgroup/job/p1/cgroup.procs"), of("--nproc", "256"), List.of(),
                        List.of(), List.of(new ProtectedEntries.Pin(".git", false)), List.of()));

        assertThat(argv).containsExactlyElementsOf(concat(
                of("/tmp/perstack-job-1/helper", "host", "--join", "/sys/fs/cgroup/job/p1/cgroup.procs",
                        "--as", "1900000000", "--idmap", "/home/dev/project", "/tmp/perstack-job-1/idmap/workspace",
                        "--seccomp-file", "/tmp/perstack-job-1/seccomp.bpf",
                        "--pin", "/tmp/perstack-job-1/idmap/workspace", ".git", "/workspace/.git",
                        "--", "/usr/bin/bwrap",
                        "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup"),
                IDENTITY,
                of("--ro-bind", "/usr", "/usr",
                        "--symlink", "usr/bin", "/bin",
                        "--symlink", "usr/sbin", "/sbin",
                        "--symlink", "usr/lib", "/lib",
                        "--symlink", "usr/lib64", "/lib64"),
                ETC_AND_PROC,
                SIZED_TMP_AND_HOME,
                of("--bind", "/tmp/perstack-job-1/idmap/workspace", "/workspace", "--perstack-pins"),
                SOCKET_AND_HELPER,
                SEAL_ROOT,
                of("--chdir", "/workspace", "--", "/run/perstack/helper", "forward", "--nproc", "256",
                        "/run/perstack/egress.sock", "--", "sh", "-c", "echo hi")));
    }

    @Test
    void startupFilesArePinnedAndMasksLieOnTopWithoutPinningWhatIsMasked() {
        List<ProtectedEntries.Pin> pins = List.of(new ProtectedEntries.Pin("config", true),
                new ProtectedEntries.Pin(".git", false), new ProtectedEntries.Pin("config/perstack.toml", false),
                new ProtectedEntries.Pin(".env", false), new ProtectedEntries.Pin("perstack", false));
        List<String> argv = BwrapCommand.argv(nonRoot(new BwrapFeatures(true, true), MERGED_USR, false),
                new BwrapCommand.Launch("/workspace/sub", SOCKET, of("--rlimits"), List.of(),
                        of("/workspace/perstack"), of("/workspace/.env"), pins, List.of(), COMMAND));

        assertThat(argv).containsExactlyElementsOf(concat(
                of("/tmp/perstack-job-1/helper", "host", "--rlimits",
                        "--seccomp-file", "/tmp/perstack-job-1/seccomp.bpf",
                        "--pin-rw", "/home/dev/project", "config", "/workspace/config",
                        "--pin", "/home/dev/project", ".git", "/workspace/.git",
                        "--pin", "/home/dev/project", "config/perstack.toml", "/workspace/config/perstack.toml",
                        "--", "/usr/bin/bwrap", "--unshare-all", "--unshare-user", "--disable-userns"),
                IDENTITY,
                of("--ro-bind", "/usr", "/usr",
                        "--symlink", "usr/bin", "/bin",
                        "--symlink", "usr/sbin", "/sbin",
                        "--symlink", "usr/lib", "/lib",
                        "--symlink", "usr/lib64", "/lib64"),
                ETC_AND_PROC,
                SIZED_TMP_AND_HOME,
                of("--bind", "/home/dev/project", "/workspace", "--perstack-pins",
                        "--ro-bind", "/tmp/perstack-job-1/mask/dir", "/workspace/perstack",
                        "--ro-bind", "/tmp/perstack-job-1/mask/file", "/workspace/.env"),
                SOCKET_AND_HELPER,
                SEAL_ROOT,
                of("--chdir", "/workspace/sub", "--", "/run/perstack/helper", "forward",
                        "/run/perstack/egress.sock", "--", "sh", "-c", "echo hi")));
    }

    @Test
    void aNonRootRuntimeBindsToolInstallationsReadOnlyFromWhereTheyAre() {
        List<BwrapCommand.ToolBind> tools = List.of(
                new BwrapCommand.ToolBind(Path.of("/home/dev/.nvm/versions/node/v22"),
                        "/home/dev/.nvm/versions/node/v22", null, true),
                new BwrapCommand.ToolBind(Path.of("/home/dev/.local/share/uv/uv-0.5"), "/home/dev/.local/bin/uv",
                        null, false));
        List<String> argv = BwrapCommand.argv(nonRoot(new BwrapFeatures(true, true), MERGED_USR, false),
                launch(of("--rlimits"), List.of(), List.of(), List.of(), List.of(), tools));

        assertThat(argv).containsExactlyElementsOf(concat(
                of("/tmp/perstack-job-1/helper", "host", "--rlimits",
                        "--seccomp-file", "/tmp/perstack-job-1/seccomp.bpf",
                        "--", "/usr/bin/bwrap", "--unshare-all", "--unshare-user", "--disable-userns"),
                IDENTITY,
                of("--ro-bind", "/usr", "/usr",
                        "--symlink", "usr/bin", "/bin",
                        "--symlink", "usr/sbin", "/sbin",
                        "--symlink", "usr/lib", "/lib",
                        "--symlink", "usr/lib64", "/lib64"),
                ETC_AND_PROC,
                SIZED_TMP_AND_HOME,
                of("--bind", "/home/dev/project", "/workspace", "--perstack-pins"),
                SOCKET_AND_HELPER,
                of("--ro-bind", "/home/dev/.nvm/versions/node/v22", "/home/dev/.nvm/versions/node/v22",
                        "--ro-bind", "/home/dev/.local/share/uv/uv-0.5", "/home/dev/.local/bin/uv"),
                SEAL_ROOT,
                of("--chdir", "/workspace", "--", "/run/perstack/helper", "forward",
                        "/run/perstack/egress.sock", "--", "sh", "-c", "echo hi")));
    }

    @Test
    void aRootRuntimeStagesToolsAndThePackageCacheThroughTheHelperBeforeBindingThem() {
        List<BwrapCommand.ToolBind> binds = List.of(
                new BwrapCommand.ToolBind(Path.of("/root/.nvm/versions/node/v22"), "/root/.nvm/versions/node/v22",
                        SCRATCH.resolve("idmap/tools/0"), true),
                new BwrapCommand.ToolBind(Path.of("/root/.cache/perstack/npm/server-filesystem@1.2.3"),
                        "/root/.cache/perstack/npm/server-filesystem@1.2.3", SCRATCH.resolve("idmap/tools/1"),
                        true));
        List<String> argv = BwrapCommand.argv(root(new BwrapFeatures(true, true), MERGED_USR),
                launch(of("--rlimits"), of("--nproc", "256"), List.of(), List.of(), List.of(), binds));

        assertThat(argv).containsExactlyElementsOf(concat(
                of("/tmp/perstack-job-1/helper", "host", "--rlimits",
                        "--as", "1900000000", "--idmap", "/home/dev/project", "/tmp/perstack-job-1/idmap/workspace",
                        "--seccomp-file", "/tmp/perstack-job-1/seccomp.bpf",
                        "--stage", "/root/.nvm/versions/node/v22", "/tmp/perstack-job-1/idmap/tools/0",
                        "--stage", "/root/.cache/perstack/npm/server-filesystem@1.2.3",
                        "/tmp/perstack-job-1/idmap/tools/1",
                        "--", "/usr/bin/bwrap",
                        "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup"),
                IDENTITY,
                of("--ro-bind", "/usr", "/usr",
                        "--symlink", "usr/bin", "/bin",
                        "--symlink", "usr/sbin", "/sbin",
                        "--symlink", "usr/lib", "/lib",
                        "--symlink", "usr/lib64", "/lib64"),
                ETC_AND_PROC,
                SIZED_TMP_AND_HOME,
                of("--bind", "/tmp/perstack-job-1/idmap/workspace", "/workspace", "--perstack-pins"),
                SOCKET_AND_HELPER,
                of("--ro-bind", "/tmp/perstack-job-1/idmap/tools/0", "/root/.nvm/versions/node/v22",
                        "--ro-bind", "/tmp/perstack-job-1/idmap/tools/1",
                        "/root/.cache/perstack/npm/server-filesystem@1.2.3"),
                SEAL_ROOT,
                of("--chdir", "/workspace", "--", "/run/perstack/helper", "forward", "--nproc", "256",
                        "/run/perstack/egress.sock", "--", "sh", "-c", "echo hi")));
    }

    @Test
    void aNonRootRuntimeBindsThePackageCacheReadOnlyAtItsOwnPathAfterTheTools() {
        List<BwrapCommand.ToolBind> binds = List.of(
                new BwrapCommand.ToolBind(Path.of("/usr/local/lib/nodejs"), "/usr/local/lib/nodejs", null, true),
                new BwrapCommand.ToolBind(Path.of("/home/dev/.cache/perstack/npm/server-filesystem@1.2.3"),
                        "/home/dev/.cache/perstack/npm/server-filesystem@1.2.3", null, true));
        List<String> argv = BwrapCommand.argv(nonRoot(new BwrapFeatures(true, true), REAL_DIRS, false),
                launch(of("--rlimits"), List.of(), List.of(), List.of(), List.of(), binds));

        assertThat(argv).containsExactlyElementsOf(concat(
                of("/tmp/perstack-job-1/helper", "host", "--rlimits",
                        "--seccomp-file", "/tmp/perstack-job-1/seccomp.bpf",
                        "--", "/usr/bin/bwrap", "--unshare-all", "--unshare-user", "--disable-userns"),
                IDENTITY,
                of("--ro-bind", "/usr", "/usr",
                        "--ro-bind", "/bin", "/bin",
                        "--ro-bind", "/lib", "/lib",
                        "--ro-bind", "/lib64", "/lib64"),
                ETC_AND_PROC,
                SIZED_TMP_AND_HOME,
                of("--bind", "/home/dev/project", "/workspace", "--perstack-pins"),
                SOCKET_AND_HELPER,
                of("--ro-bind", "/usr/local/lib/nodejs", "/usr/local/lib/nodejs",
                        "--ro-bind", "/home/dev/.cache/perstack/npm/server-filesystem@1.2.3",
                        "/home/dev/.cache/perstack/npm/server-filesystem@1.2.3"),
                SEAL_ROOT,
                of("--chdir", "/workspace", "--", "/run/perstack/helper", "forward",
                        "/run/perstack/egress.sock", "--", "sh", "-c", "echo hi")));
    }

    @Test
    void theEnvironmentImposesTheBackendsValuesAndPutsBoundToolsOnThePath() {
        Map<String, String> env = BwrapCommand.environment(Map.of("PATH", "/host/bin", "LANG", "C.UTF-8",
                "HTTPS_PROXY", "http://host-proxy:9", "PERSTACK_PROXY_URL", "http://host-proxy:9"), List.of(
                new BwrapCommand.ToolBind(Path.of("/home/dev/.nvm/versions/node/v22"),
                        "/home/dev/.nvm/versions/node/v22", null, true),
                new BwrapCommand.ToolBind(Path.of("/home/dev/.local/share/uv/uv-0.5"), "/home/dev/.local/bin/uv",
                        null, false),
                new BwrapCommand.ToolBind(Path.of("/home/dev/.local/share/uv/python3"),
                        "/home/dev/.local/bin/python3", null, false)));

        assertThat(env).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.ofEntries(
                Map.entry("HOME", "/home/perstack"),
                Map.entry("HTTPS_PROXY", "http://127.0.0.1:3128"),
                Map.entry("HTTP_PROXY", "http://127.0.0.1:3128"),
                Map.entry("LANG", "C.UTF-8"),
                Map.entry("NODE_USE_ENV_PROXY", "1"),
                Map.entry("NO_PROXY", "localhost,127.0.0.1"),
                Map.entry("NPM_CONFIG_HTTPS_PROXY", "http://127.0.0.1:3128"),
                Map.entry("NPM_CONFIG_PROXY", "http://127.0.0.1:3128"),
                Map.entry("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                        + ":/home/dev/.nvm/versions/node/v22/bin:/home/dev/.local/bin"),
                Map.entry("SHELL", "/bin/sh"),
                Map.entry("http_proxy", "http://127.0.0.1:3128"),
                Map.entry("https_proxy", "http://127.0.0.1:3128"),
                Map.entry("no_proxy", "localhost,127.0.0.1"))));
    }

    @Test
    void aRootRuntimesSandboxCanNeverBeHostRoot() {
        assertThatThrownBy(() -> new BwrapCommand.Identity.MappedUser(0, IDMAP))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
