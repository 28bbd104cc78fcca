package io.perstack.sandbox.bwrap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The command line of one sandboxed launch, built from values alone: the helper on the host, bubblewrap, and the
 * forwarder inside (docs/sandbox.md §1, §2), and the environment it starts with. Nothing here looks at the file
 * system or the process: every decision that needs them (which system directories are links, whether a tool is a
 * folder, which masked entries exist, who the runtime is) is made by the caller and passed in as a value, so golden
 * tests ({@code BwrapCommandTest}) pin down every argument. {@link Sandbox} gathers the host facts once per job and
 * {@link BubblewrapLauncher} the per-launch ones.
 */
final class BwrapCommand {
    /** The sandbox's uid and gid inside its user namespace (never 0). */
    static final int UID = 1000;
    /** Size of the private {@code /tmp} and {@code /home/perstack} of each sandbox. */
    static final long TMP_BYTES = 256L * 1024 * 1024;
    static final long HOME_BYTES = 512L * 1024 * 1024;

    private static final List<String> ETC_BINDS = List.of("ssl", "ca-certificates", "ca-certificates.conf",
            "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime");
    private static final List<String> ETC_FILES = List.of("passwd", "group", "hosts", "nsswitch.conf");

    private BwrapCommand() {}

    /** Who the sandbox is on the host: decided once per job from the runtime's own uid. */
    sealed interface Identity {
        /** A non-root runtime: the sandbox is the runtime's own user, in a user namespace bubblewrap creates. */
        record RuntimeUser() implements Identity {}

        /**
         * A root runtime: the sandbox is an unprivileged host user, working in root's workspace through an
         * id-mapped view the helper mounts (root is never root inside).
         *
         * @param hostUid     the unprivileged host uid (and gid) the sandbox runs as
         * @param idmapTarget where the helper mounts the workspace id-mapped
         */
        record MappedUser(int hostUid, Path idmapTarget) implements Identity {
            public MappedUser {
                if (hostUid == 0) {
                    throw new IllegalArgumentException("a root runtime's sandbox must not be host root");
                }
                Objects.requireNonNull(idmapTarget, "idmapTarget");
            }
        }
    }

    /** One of {@code /bin}, {@code /lib}, ... as it is on the host, looked at by the caller. */
    sealed interface SystemEntry {
        String path();

        /** A real directory, bound read-only. */
        record Directory(String path) implements SystemEntry {}

        /** A merged-usr link ({@code /bin -> usr/bin}), recreated as the same link. */
        record Link(String path, String target) implements SystemEntry {}
    }

    /**
     * What is the same for every launch of a job.
     *
     * @param bwrap          the bubblewrap binary
     * @param helper         the helper binary in the job's scratch directory
     * @param seccomp        the seccomp filter in the scratch directory (the helper opens it and hands bubblewrap
     *                       the descriptor)
     * @param etc            the generated {@code /etc} files
     * @param emptyDirectory bound over masked directories
     * @param emptyFile      bound over masked files
     * @param workspace      the workspace's real path on the host
     * @param identity       who the sandbox is on the host
     * @param features       options of this bubblewrap release
     * @param systemEntries  {@code /bin}, {@code /lib}, ... that exist on the host, in the order they are bound
     * @param opt            whether {@code /opt} exists
     */
    record Host(Path bwrap, Path helper, Path seccomp, Path etc, Path emptyDirectory, Path emptyFile, Path workspace,
                Identity identity, BwrapFeatures features, List<SystemEntry> systemEntries, boolean opt) {
        Host {
            Objects.requireNonNull(bwrap, "bwrap");
            Objects.requireNonNull(helper, "helper");
            Objects.requireNonNull(seccomp, "seccomp");
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(features, "features");
            systemEntries = List.copyOf(systemEntries);
        }

        boolean asRoot() {
            return identity instanceof Identity.MappedUser;
        }

        /** Where the sandbox's workspace comes from: the id-mapped view for a root runtime, else the workspace. */
        Path workspaceSource() {
            return identity instanceof Identity.MappedUser mapped ? mapped.idmapTarget() : workspace;
        }
    }

    /**
     * A tool installation bound read-only (docs/sandbox.md §3).
     *
     * @param source    what is bound: an installation prefix, or a single program file (a real, absolute path)
     * @param target    where it appears inside
     * @param staged    for a root runtime, the empty file or folder in the scratch directory the helper mounts it on
     * @param directory whether {@code source} is a folder (a prefix with {@code bin/}), as the caller found it
     */
    record ToolBind(Path source, String target, Path staged, boolean directory) {
        ToolBind {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * What differs per launch.
     *
     * @param cwd               the model-visible working directory
     * @param socket            this process's egress socket
     * @param helperLimits      the helper's limit arguments (cgroup joins or rlimits)
     * @param forwarderLimits   the forwarder's limit arguments (the per-sandbox process cap)
     * @param maskedDirectories sandbox paths replaced by an empty read-only directory
     * @param maskedFiles       sandbox paths replaced by an empty read-only file
     * @param pins              protected entries bound over themselves from descriptors
     * @param tools             tool installations to bind
     * @param command           the command to run
     */
    record Launch(String cwd, Path socket, List<String> helperLimits, List<String> forwarderLimits,
                  List<String> maskedDirectories, List<String> maskedFiles, List<ProtectedEntries.Pin> pins,
                  List<ToolBind> tools, List<String> command) {
        Launch {
            helperLimits = List.copyOf(helperLimits);
            forwarderLimits = List.copyOf(forwarderLimits);
            maskedDirectories = List.copyOf(maskedDirectories);
            maskedFiles = List.copyOf(maskedFiles);
            pins = List.copyOf(pins);
            tools = List.copyOf(tools);
            command = List.copyOf(command);
        }
    }

    /** The whole argument vector: helper, bubblewrap, forwarder, command. */
    static List<String> argv(Host host, Launch launch) {
        List<String> a = new ArrayList<>();
        a.add(host.helper().toString());
        a.add("host");
        a.addAll(launch.helperLimits());
        if (host.identity() instanceof Identity.MappedUser mapped) {
            // Root's sandbox is an unprivileged host user; it works in root's workspace through an id-mapped view.
            a.addAll(List.of("--as", Integer.toString(mapped.hostUid()), "--idmap", host.workspace().toString(),
                    mapped.idmapTarget().toString()));
        }
        a.addAll(List.of("--seccomp-file", host.seccomp().toString()));
        String pinRoot = host.workspaceSource().toString();
        for (ProtectedEntries.Pin pin : launch.pins()) {
            String inside = Sandbox.VISIBLE_ROOT + "/" + pin.relative();
            // A masked file (a loaded env file) is already an empty read-only mount; binding it over itself would
            // show its content again.
            if (!launch.maskedFiles().contains(inside) && !launch.maskedDirectories().contains(inside)) {
                a.addAll(List.of(pin.writable() ? "--pin-rw" : "--pin", pinRoot, pin.relative(), inside));
            }
        }
        if (host.asRoot()) {
            // A root runtime's tools usually live under /root (mode 0700), which the sandbox's unprivileged user
            // cannot pass through: the helper mounts each at its staging place first.
            for (ToolBind tool : launch.tools()) {
                a.addAll(List.of("--stage", tool.source().toString(),
                        Objects.requireNonNull(tool.staged(), "staged").toString()));
            }
        }
        a.add("--");
        a.add(host.bwrap().toString());
        bubblewrap(host, launch, a);
        a.add("--");
        a.addAll(List.of(Sandbox.HELPER, "forward"));
        a.addAll(launch.forwarderLimits());
        a.addAll(List.of(Sandbox.SOCKET, "--"));
        a.addAll(launch.command());
        return List.copyOf(a);
    }

    /**
     * The environment of a launch (docs/isolation.md §4): what the caller asked for, minus the runtime's own proxy
     * setting, with the backend's values imposed and the bound tools' folders on {@code PATH}. Values go through the
     * environment, never the command line, where {@code ps} would show them (SR-15).
     */
    static Map<String, String> environment(Map<String, String> requested, List<ToolBind> tools) {
        Map<String, String> env = new TreeMap<>(requested);
        env.remove("PERSTACK_PROXY_URL");
        env.putAll(Sandbox.overrides(pathEntries(tools)));
        return env;
    }

    /** The {@code PATH} entries the bound tools add inside: a prefix's {@code bin}, or a bound file's folder. */
    static List<String> pathEntries(List<ToolBind> tools) {
        List<String> dirs = new ArrayList<>();
        for (ToolBind tool : tools) {
            Path target = Path.of(tool.target());
            String dir = tool.directory() ? target.resolve("bin").toString() : target.getParent().toString();
            if (!dirs.contains(dir)) {
                dirs.add(dir);
            }
        }
        return dirs;
    }

    private static void bubblewrap(Host host, Launch launch, List<String> a) {
        if (host.asRoot()) {
            // The user namespace comes from the helper (--userns at the marker); bubblewrap unshares the rest.
            a.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup"));
        } else {
            a.addAll(List.of("--unshare-all", "--unshare-user"));
            if (host.features().disableUserns()) {
                a.add("--disable-userns");
            }
        }
        a.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--uid", Integer.toString(UID), "--gid", Integer.toString(UID), "--hostname", "perstack"));
        a.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (SystemEntry entry : host.systemEntries()) {
            a.addAll(switch (entry) {
                case SystemEntry.Directory d -> List.of("--ro-bind", d.path(), d.path());
                case SystemEntry.Link l -> List.of("--symlink", l.target(), l.path());
            });
        }
        if (host.opt()) {
            a.addAll(List.of("--ro-bind", "/opt", "/opt"));
        }
        a.addAll(List.of("--tmpfs", "/etc"));
        for (String file : ETC_FILES) {
            a.addAll(List.of("--ro-bind", host.etc().resolve(file).toString(), "/etc/" + file));
        }
        for (String entry : ETC_BINDS) {
            a.addAll(List.of("--ro-bind-try", "/etc/" + entry, "/etc/" + entry));
        }
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        sizedTmpfs(host, a, TMP_BYTES, "/tmp");
        sizedTmpfs(host, a, HOME_BYTES, Sandbox.HOME);
        a.addAll(List.of("--bind", host.workspaceSource().toString(), Sandbox.VISIBLE_ROOT));
        // The helper puts --userns, --seccomp and the protected entries' binds here, before the masks, so that a
        // mask always lies on top.
        a.add("--perstack-pins");
        for (String inside : launch.maskedDirectories()) {
            a.addAll(List.of("--ro-bind", host.emptyDirectory().toString(), inside));
        }
        for (String inside : launch.maskedFiles()) {
            a.addAll(List.of("--ro-bind", host.emptyFile().toString(), inside));
        }
        a.addAll(List.of("--bind", launch.socket().toString(), Sandbox.SOCKET));
        a.addAll(List.of("--ro-bind", host.helper().toString(), Sandbox.HELPER));
        for (ToolBind tool : launch.tools()) {
            a.addAll(List.of("--ro-bind", (host.asRoot() ? tool.staged() : tool.source()).toString(), tool.target()));
        }
        // bubblewrap builds the root and /etc on writable tmpfs; nothing should be created there afterwards.
        a.addAll(List.of("--remount-ro", "/etc", "--remount-ro", "/"));
        a.addAll(List.of("--chdir", launch.cwd()));
    }

    /** A private tmpfs, sized where bubblewrap can (0.8+), writable by the sandbox's user whoever owns it. */
    private static void sizedTmpfs(Host host, List<String> a, long bytes, String path) {
        if (host.features().tmpfsSize()) {
            a.addAll(List.of("--size", Long.toString(bytes)));
        }
        a.addAll(List.of("--perms", path.equals("/tmp") ? "1777" : "0700", "--tmpfs", path));
    }
}
