package io.perstack.sandbox.bwrap;

import io.perstack.core.config.RuntimeKind;
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

/**
 * The {@code sandbox} backend's launcher for one process name (a skill, or {@code exec}): each launch is its own
 * bubblewrap sandbox with the settings of docs/sandbox.md §2 and the file system of §3, started through the helper
 * so that cgroups or rlimits apply from its first instruction, and with the helper as the sandbox's first process
 * forwarding {@code 127.0.0.1:3128} to a per-process egress socket.
 */
public final class BubblewrapLauncher implements ProcessLauncher {
    public static final String NAME = RuntimeKind.SANDBOX.wireName();

    /** Programs whose installation, when outside the system directories, is bound read-only (§3). */
    private static final Map<String, List<String>> INTERPRETERS = Map.of("npx", List.of("node"), "npm",
            List.of("node"), "uvx", List.of("uv", "python3"));
    private static final Set<String> TOOLS = Set.of("node", "npx", "npm", "python3", "uvx", "uv", "java");

    private static final List<String> SYSTEM_DIRS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
            "/libx32", "/opt");

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
        List<BwrapCommand.ToolBind> tools = toolBinds(spec.program());
        Map<String, String> env = BwrapCommand.environment(spec.environment(), tools);
        checkProgram(spec.program(), cwd, tools);
        List<BwrapCommand.ToolBind> binds = new ArrayList<>(tools);
        binds.addAll(readOnlyBinds(spec.readOnly()));

        List<AutoCloseable> undo = new ArrayList<>();
        ResourceLimits.Applied limits = null;
        try {
            List<ProtectedEntries.Pin> pins = sandbox.protectedEntries().pins();
            EgressProxy.Listener listener = sandbox.proxy().listen(processName, sandbox.nextSocket());
            undo.add(listener);
            sandbox.ownSocket(listener.socket());
            limits = sandbox.limits().apply();
            ResourceLimits.Applied applied = limits;
            // A cgroup can stay busy for a moment after its last process is reaped; removing it must not delay
            // the caller who waits for the exit status, so it happens in the background (awaited by close()).
            undo.add(() -> sandbox.releaseLater(() -> sandbox.limits().release(applied)));

            List<String> argv = BwrapCommand.argv(sandbox.host(), new BwrapCommand.Launch(cwd, listener.socket(),
                    limits.helperArguments(), limits.forwarderArguments(), masked(sandbox.settings()
                    .maskedDirectories(), true), masked(sandbox.settings().maskedFiles(), false), pins, binds,
                    spec.command()));

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
        } catch (SandboxUnavailable e) {
            closeAll(undo);
            throw new IOException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeAll(undo);
            throw e;
        }
    }

    /**
     * The runtime's read-only directories (a skill's cached package install, docs/sandbox.md §3) bound at their own
     * path like a tool installation: read-only, and staged by the helper when only root can reach them.
     */
    private List<BwrapCommand.ToolBind> readOnlyBinds(List<Path> dirs) throws IOException {
        List<BwrapCommand.ToolBind> binds = new ArrayList<>();
        for (Path dir : dirs) {
            Path real = dir.toRealPath();
            // A link would bind something else than what the runtime checked; only plain directories are shown.
            if (!real.equals(dir.toAbsolutePath().normalize()) || !Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("read-only directory " + dir + " is not a plain directory");
            }
            binds.add(new BwrapCommand.ToolBind(real, real.toString(), sandbox.stagingPlace(real, true), true));
        }
        return binds;
    }

    /** The sandbox paths of the masked entries that exist as the expected kind inside the workspace. */
    private List<String> masked(List<Path> hostPaths, boolean directories) {
        List<String> inside = new ArrayList<>();
        for (Path path : hostPaths) {
            String visible = insideWorkspace(path);
            boolean present = directories ? Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    : Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
            if (visible != null && present) {
                inside.add(visible);
            }
        }
        return inside;
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
    private void checkProgram(String program, String cwd, List<BwrapCommand.ToolBind> tools)
            throws CommandNotFoundException {
        try {
            if (program.contains("/")) {
                String inside = program.startsWith("/") ? program : cwd + "/" + program;
                Path host = hostPathOf(Path.of(inside).normalize().toString());
                if (host == null || runnable(host)) {
                    return;
                }
                throw new CommandNotFoundException(program);
            }
            for (String dir : Sandbox.SYSTEM_PATH.split(":")) {
                if (runnable(Path.of(dir, program))) {
                    return;
                }
            }
            for (BwrapCommand.ToolBind tool : tools) {
                if (tool.directory() ? runnable(tool.source().resolve("bin").resolve(program))
                        : Path.of(tool.target()).getFileName().toString().equals(program)) {
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
     * What to bind of the program and its interpreter when they are installed outside the system directories,
     * found on the runtime's {@code PATH} (docs/sandbox.md §3): the installation prefix (for example {@code
     * ~/.nvm/versions/node/v22}) when it is a folder of its own, else only the program file itself. A prefix that
     * is the home directory, contains it, or lies directly in it ({@code ~/.local}, {@code ~/.cargo}, which hold
     * other programs' data and often credentials) is never bound as a whole.
     */
    private List<BwrapCommand.ToolBind> toolBinds(String program) {
        if (program.contains("/")) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (TOOLS.contains(program)) {
            names.add(program);
        }
        names.addAll(INTERPRETERS.getOrDefault(program, List.of()));
        List<BwrapCommand.ToolBind> prefixes = new ArrayList<>();
        List<BwrapCommand.ToolBind> files = new ArrayList<>();
        Path home = Path.of(System.getProperty("user.home", "/nonexistent")).toAbsolutePath().normalize();
        for (String name : names) {
            if (inSystemPath(name)) {
                continue;
            }
            for (String dir : sandbox.settings().hostPath().split(File.pathSeparator)) {
                if (dir.isEmpty() || !Path.of(dir).isAbsolute() || !runnable(Path.of(dir, name))) {
                    continue;
                }
                try {
                    Path real = Path.of(dir, name).toRealPath();
                    Path bin = Path.of(dir).toRealPath();
                    Path prefix = bin.getParent();
                    if (SYSTEM_DIRS.stream().anyMatch(bin::startsWith)) {
                        break;
                    }
                    if (prefix != null && ownInstallation(prefix, home)) {
                        BwrapCommand.ToolBind bind = new BwrapCommand.ToolBind(prefix, prefix.toString(),
                                sandbox.stagingPlace(prefix, true), true);
                        if (!prefixes.contains(bind)) {
                            prefixes.add(bind);
                        }
                    } else {
                        files.add(new BwrapCommand.ToolBind(real, bin + "/" + name,
                                sandbox.stagingPlace(real, false), false));
                    }
                } catch (IOException e) {
                    // vanished: nothing to bind
                }
                break;
            }
        }
        List<BwrapCommand.ToolBind> binds = new ArrayList<>(prefixes);
        for (BwrapCommand.ToolBind file : files) {
            if (prefixes.stream().noneMatch(p -> Path.of(file.target()).startsWith(p.source()))) {
                binds.add(file);
            }
        }
        return binds;
    }

    /** Whether a prefix is a tool's own folder rather than a shared one that holds other data. */
    static boolean ownInstallation(Path prefix, Path home) {
        if (prefix.getNameCount() < 2 || home.startsWith(prefix)) {
            return false;
        }
        return !(prefix.startsWith(home) && prefix.getNameCount() <= home.getNameCount() + 1);
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
