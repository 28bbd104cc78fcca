package io.perstack.sandbox.bwrap;

import io.perstack.core.launch.CommandNotFoundException;
import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.LaunchedProcess;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.sandbox.egress.EgressProxy;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code sandbox} backend's launcher for one process name (a skill, or {@code exec}): each launch is its own
 * bubblewrap sandbox with the settings of isolation.md §6.1 and the file system of §6.2, started through the helper
 * so that cgroups or rlimits apply from its first instruction, and with the helper as the sandbox's first process
 * forwarding {@code 127.0.0.1:3128} to a per-process egress socket.
 */
public final class BubblewrapLauncher implements ProcessLauncher {
    public static final String NAME = "sandbox";

    /** Read-only over themselves: changing them would run code on the host later (git hooks, shell start-up). */
    static final List<String> PROTECTED = List.of(".git/hooks", ".git/config", ".bashrc", ".bash_profile",
            ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv", ".zprofile", ".zlogin", ".mcp.json");

    /** Programs whose installation, when outside the system directories, is bound read-only (§6.2). */
    private static final Map<String, List<String>> INTERPRETERS = Map.of("npx", List.of("node"), "npm",
            List.of("node"), "uvx", List.of("uv", "python3"));
    private static final Set<String> TOOLS = Set.of("node", "npx", "npm", "python3", "uvx", "uv", "java");

    private static final List<String> SYSTEM_DIRS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
            "/libx32", "/opt");
    private static final List<String> ETC_BINDS = List.of("ssl", "ca-certificates", "ca-certificates.conf",
            "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime");
    private static final long TMP_BYTES = 256L * 1024 * 1024;

    private final Sandbox sandbox;
    private final String processName;

    BubblewrapLauncher(Sandbox sandbox, String processName) {
        this.sandbox = sandbox;
        this.processName = processName;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The name reported as {@code skillName} in this launcher's {@code proxyAccess} events. */
    public String processName() {
        return processName;
    }

    @Override
    public LaunchedProcess launch(LaunchSpec spec) throws IOException {
        if (sandbox.isClosed()) {
            throw new IOException("the sandbox of this job is closed");
        }
        String cwd = visibleDirectory(spec.cwd());
        List<Path> prefixes = toolPrefixes(spec.program());
        Map<String, String> env = new TreeMap<>(spec.environment());
        env.remove("PERSTACK_PROXY_URL");
        env.putAll(Sandbox.overrides(prefixes));
        checkProgram(spec.program(), cwd, prefixes);

        List<AutoCloseable> undo = new ArrayList<>();
        ResourceLimits.Applied limits = null;
        try {
            EgressProxy.Listener listener = sandbox.proxy().listen(processName, sandbox.nextSocket());
            undo.add(listener);
            limits = sandbox.limits().apply();
            ResourceLimits.Applied applied = limits;
            // A cgroup can stay busy for a moment after its last process is reaped; removing it must not delay
            // the caller who waits for the exit status, so it happens in the background (awaited by close()).
            undo.add(() -> sandbox.releaseLater(() -> sandbox.limits().release(applied)));

            List<String> argv = new ArrayList<>();
            argv.add(sandbox.helper().toString());
            argv.add("host");
            argv.addAll(limits.helperArguments());
            argv.addAll(pins());
            argv.add("--");
            argv.add(sandbox.bwrap().toString());
            argv.addAll(bwrapArguments(cwd, listener.socket(), prefixes));
            argv.add("--");
            argv.addAll(List.of(Sandbox.HELPER, "forward", Sandbox.SOCKET, "--"));
            argv.addAll(spec.command());

            // Values go through the environment, never the command line, where ps would show them (SR-15).
            ProcessBuilder builder = new ProcessBuilder(argv).directory(sandbox.scratch().toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            if (spec.stdin() == LaunchSpec.Stdin.NULL) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process process = Spawner.start(builder);
            SandboxProcess launched = new SandboxProcess(process, spec.timeout(), () -> closeAll(undo));
            sandbox.register(launched);
            return launched;
        } catch (IOException | RuntimeException e) {
            closeAll(undo);
            throw e;
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                // Each is removed with the job's scratch directory and cgroups at the latest.
            }
        }
    }

    /**
     * The protected paths, opened by the helper component by component without following links and bound from
     * the open descriptor ({@code --ro-bind-fd}): naming them by path would let a sandboxed process swap one for a
     * link to a host secret between a check and the mount. A repository without a hooks folder gets an empty one,
     * so hooks cannot be planted either.
     */
    private List<String> pins() {
        Path git = sandbox.workspace().resolve(".git");
        Path hooks = git.resolve("hooks");
        if (Files.isDirectory(git, LinkOption.NOFOLLOW_LINKS) && !Files.exists(hooks, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(hooks);
            } catch (IOException e) {
                // created concurrently, or not allowed: the pin below covers whatever is there
            }
        }
        List<String> args = new ArrayList<>();
        for (String relative : PROTECTED) {
            args.addAll(List.of("--pin", sandbox.workspace().toString(), relative,
                    Sandbox.VISIBLE_ROOT + "/" + relative));
        }
        return args;
    }

    private List<String> bwrapArguments(String cwd, Path socket, List<Path> prefixes)
            throws IOException {
        List<String> a = new ArrayList<>();
        a.addAll(List.of("--unshare-all", "--unshare-user"));
        if (sandbox.features().disableUserns()) {
            a.add("--disable-userns");
        }
        a.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--uid", Integer.toString(Sandbox.UID), "--gid", Integer.toString(Sandbox.UID),
                "--hostname", "perstack"));
        a.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String dir : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path host = Path.of(dir);
            if (Files.isSymbolicLink(host)) {
                a.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), dir));
            } else if (Files.isDirectory(host)) {
                a.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        if (Files.isDirectory(Path.of("/opt"))) {
            a.addAll(List.of("--ro-bind", "/opt", "/opt"));
        }
        a.addAll(List.of("--tmpfs", "/etc"));
        for (String file : List.of("passwd", "group", "hosts", "nsswitch.conf")) {
            a.addAll(List.of("--ro-bind", sandbox.etc().resolve(file).toString(), "/etc/" + file));
        }
        for (String entry : ETC_BINDS) {
            a.addAll(List.of("--ro-bind-try", "/etc/" + entry, "/etc/" + entry));
        }
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        if (sandbox.features().tmpfsSize()) {
            a.addAll(List.of("--size", Long.toString(TMP_BYTES)));
        }
        a.addAll(List.of("--tmpfs", "/tmp"));
        a.addAll(List.of("--bind", sandbox.home(processName).toString(), Sandbox.HOME));
        a.addAll(List.of("--bind", sandbox.workspace().toString(), Sandbox.VISIBLE_ROOT));
        SandboxSettings settings = sandbox.settings();
        for (Path dir : settings.maskedDirectories()) {
            String inside = insideWorkspace(dir);
            if (inside != null && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--ro-bind", sandbox.emptyDirectory().toString(), inside));
            }
        }
        for (Path file : settings.maskedFiles()) {
            String inside = insideWorkspace(file);
            if (inside != null && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--ro-bind", sandbox.emptyFile().toString(), inside));
            }
        }
        a.add("--perstack-pins");
        a.addAll(List.of("--bind", socket.toString(), Sandbox.SOCKET));
        a.addAll(List.of("--ro-bind", sandbox.helper().toString(), Sandbox.HELPER));
        for (Path prefix : prefixes) {
            a.addAll(List.of("--ro-bind", prefix.toString(), prefix.toString()));
        }
        // bubblewrap builds the root and /etc on writable tmpfs; nothing should be created there afterwards.
        a.addAll(List.of("--remount-ro", "/etc", "--remount-ro", "/"));
        a.addAll(List.of("--chdir", cwd));
        return a;
    }

    /** The sandbox path of a workspace file, or {@code null} when it lies outside. */
    private String insideWorkspace(Path hostPath) {
        Path absolute = hostPath.toAbsolutePath().normalize();
        for (Path root : List.of(sandbox.workspace(), sandbox.settings().workspace().toAbsolutePath().normalize())) {
            if (absolute.startsWith(root) && !absolute.equals(root)) {
                return Sandbox.VISIBLE_ROOT + "/" + root.relativize(absolute).toString().replace(File.separatorChar,
                        '/');
            }
        }
        return null;
    }

    /** Accepts a host path inside the workspace (what the base skill passes) or a {@code /workspace} path. */
    private String visibleDirectory(Path cwd) throws IOException {
        String text = cwd.toString();
        if (text.equals(Sandbox.VISIBLE_ROOT) || text.startsWith(Sandbox.VISIBLE_ROOT + "/")) {
            return text;
        }
        Path absolute = cwd.toAbsolutePath().normalize();
        if (absolute.equals(sandbox.workspace())
                || absolute.equals(sandbox.settings().workspace().toAbsolutePath().normalize())) {
            return Sandbox.VISIBLE_ROOT;
        }
        String inside = insideWorkspace(absolute);
        if (inside == null) {
            throw new IOException("Working directory " + cwd + " is outside the workspace");
        }
        return inside;
    }

    /**
     * Tells "not found" apart before starting anything, looking where the sandbox will look: the system
     * directories (the same paths on the host), bound tool prefixes and the workspace. Paths only the sandbox has
     * ({@code /tmp}, the home) are left to the sandbox to judge.
     */
    private void checkProgram(String program, String cwd, List<Path> prefixes) throws CommandNotFoundException {
        try {
            if (program.contains("/")) {
                String inside = program.startsWith("/") ? program : cwd + "/" + program;
                Path host = hostPathOf(Path.of(inside).normalize().toString());
                if (host == null || runnable(host)) {
                    return;
                }
                throw new CommandNotFoundException(program);
            }
            List<String> dirs = new ArrayList<>(List.of(Sandbox.SYSTEM_PATH.split(":")));
            prefixes.forEach(p -> dirs.add(p.resolve("bin").toString()));
            for (String dir : dirs) {
                if (runnable(Path.of(dir, program))) {
                    return;
                }
            }
        } catch (InvalidPathException e) {
            // not a usable name
        }
        throw new CommandNotFoundException(program);
    }

    /** The host file behind a sandbox path; {@code null} for sandbox-only places; a missing path if invisible. */
    private Path hostPathOf(String inside) {
        if (inside.equals(Sandbox.VISIBLE_ROOT) || inside.startsWith(Sandbox.VISIBLE_ROOT + "/")) {
            return Path.of(sandbox.workspace() + inside.substring(Sandbox.VISIBLE_ROOT.length()));
        }
        if (inside.startsWith("/tmp/") || inside.startsWith(Sandbox.HOME + "/") || inside.startsWith("/run/")) {
            return null;
        }
        for (String dir : SYSTEM_DIRS) {
            if (inside.startsWith(dir + "/")) {
                return Path.of(inside);
            }
        }
        return Path.of("/nonexistent-outside-sandbox");
    }

    private static boolean runnable(Path candidate) {
        return Files.isRegularFile(candidate) && Files.isExecutable(candidate);
    }

    /**
     * Installation prefixes (for example {@code ~/.nvm/versions/node/v22}) of the program and its interpreter when
     * they are not in the system directories, found on the runtime's {@code PATH}. A prefix that is or contains the
     * user's home directory is never bound.
     */
    private List<Path> toolPrefixes(String program) {
        if (program.contains("/")) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (TOOLS.contains(program)) {
            names.add(program);
        }
        names.addAll(INTERPRETERS.getOrDefault(program, List.of()));
        List<Path> prefixes = new ArrayList<>();
        String home = System.getProperty("user.home", "");
        for (String name : names) {
            if (inSystemPath(name)) {
                continue;
            }
            for (String dir : sandbox.settings().hostPath().split(File.pathSeparator)) {
                if (dir.isEmpty() || !runnable(Path.of(dir, name))) {
                    continue;
                }
                try {
                    Path bin = Path.of(dir).toRealPath();
                    Path prefix = bin.getParent();
                    boolean system = SYSTEM_DIRS.stream().anyMatch(s -> bin.startsWith(s));
                    boolean coversHome = prefix == null || prefix.getNameCount() < 2
                            || (!home.isEmpty() && Path.of(home).startsWith(prefix));
                    if (!system && !coversHome && !prefixes.contains(prefix)) {
                        prefixes.add(prefix);
                    }
                } catch (IOException e) {
                    // vanished: nothing to bind
                }
                break;
            }
        }
        return prefixes;
    }

    private static boolean inSystemPath(String name) {
        for (String dir : Sandbox.SYSTEM_PATH.split(":")) {
            if (runnable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
