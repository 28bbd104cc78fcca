package io.perstack.sandbox.local;

import io.perstack.core.config.RuntimeKind;
import io.perstack.core.launch.CommandNotFoundException;
import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.LaunchedProcess;
import io.perstack.core.launch.ProcessLauncher;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code local} isolation backend: the program runs as a plain child of the runtime, with exactly the
 * environment of its {@link LaunchSpec} and its own session and process group (through {@code setsid}), so a
 * timeout or a close can end every process it started.
 */
public final class LocalLauncher implements ProcessLauncher {
    public static final String NAME = RuntimeKind.LOCAL.wireName();

    // Used when the environment has no PATH, as execvp(3) does.
    private static final String DEFAULT_PATH = "/usr/bin:/bin";
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private final Path setsid;

    public LocalLauncher() {
        this.setsid = findSetsid();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Whether processes get their own process group (so timeouts reach grandchildren through it). */
    public boolean groupsProcesses() {
        return setsid != null;
    }

    @Override
    public LaunchedProcess launch(LaunchSpec spec) throws IOException {
        if (!Files.isDirectory(spec.cwd())) {
            throw new IOException("Working directory " + spec.cwd() + " does not exist");
        }
        // Resolved here rather than left to the exec in the child, so "not found" is told apart from a program
        // that exits with 127, and the lookup uses the child's PATH, never the runtime's.
        Path program = resolve(spec);
        List<String> argv = new ArrayList<>(spec.command().size() + 1);
        if (setsid != null) {
            argv.add(setsid.toString());
        }
        argv.add(program.toString());
        argv.addAll(spec.arguments());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(spec.cwd().toFile());
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        if (spec.stdin() == LaunchSpec.Stdin.NULL) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File(WINDOWS ? "NUL" : "/dev/null")));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            if (!Files.isExecutable(program)) {
                throw new CommandNotFoundException(spec.program());
            }
            throw e;
        }
        return new LocalProcess(process, setsid != null && Signals.available(), spec.timeout());
    }

    private static Path resolve(LaunchSpec spec) throws CommandNotFoundException {
        String name = spec.program();
        try {
            if (name.contains("/") || (WINDOWS && name.contains("\\"))) {
                Path candidate = spec.cwd().resolve(name);
                if (runnable(candidate)) {
                    return candidate;
                }
                throw new CommandNotFoundException(name);
            }
            String path = spec.environment().getOrDefault("PATH", DEFAULT_PATH);
            for (String dir : path.split(File.pathSeparator)) {
                // An empty PATH entry means the current directory; the model's cwd is not a place to find tools in.
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (runnable(candidate)) {
                    return candidate;
                }
                if (WINDOWS && runnable(Path.of(dir, name + ".exe"))) {
                    return Path.of(dir, name + ".exe");
                }
            }
        } catch (InvalidPathException e) {
            // fall through: a name that is no valid path cannot be found
        }
        throw new CommandNotFoundException(name);
    }

    private static boolean runnable(Path candidate) {
        return Files.isRegularFile(candidate) && Files.isExecutable(candidate);
    }

    private static Path findSetsid() {
        if (WINDOWS) {
            return null;
        }
        // Fixed locations only: the PATH of a launch is model-influenced and must not choose our wrapper.
        for (String location : List.of("/usr/bin/setsid", "/bin/setsid")) {
            Path candidate = Path.of(location);
            if (runnable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
