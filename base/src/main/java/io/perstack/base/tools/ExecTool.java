package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Workspace;
import io.perstack.core.json.Json;
import io.perstack.core.launch.CommandNotFoundException;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.ExitStatus;
import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.LaunchedProcess;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.core.model.Todo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** The {@code exec} tool of docs/base-skill.md §4: no shell, a clean environment, a bounded time and bounded output. */
public final class ExecTool implements BaseTool {
    public static final String NAME = "exec";
    /** Each stream keeps this many bytes (10 MiB). */
    public static final int OUTPUT_LIMIT = 10 * 1024 * 1024;
    // After the command exits its process group is killed; only a process that left the group can still hold the
    // pipes open, and its output is not worth waiting for beyond this.
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);

    private final Workspace workspace;
    private final FileSupport files;
    private final ProcessLauncher launcher;
    private final EnvironmentPolicy environment;
    private final Consumer<String> diagnostics;
    private final int outputLimit;

    /**
     * @param launcher    the isolation backend's launcher; {@code null} makes every call fail with a clear message
     * @param diagnostics where dropped protected names are reported (stderr, never the model)
     */
    public ExecTool(Workspace workspace, FileSupport files, ProcessLauncher launcher, EnvironmentPolicy environment,
                    Consumer<String> diagnostics) {
        this(workspace, files, launcher, environment, diagnostics, OUTPUT_LIMIT);
    }

    ExecTool(Workspace workspace, FileSupport files, ProcessLauncher launcher, EnvironmentPolicy environment,
             Consumer<String> diagnostics, int outputLimit) {
        this.workspace = workspace;
        this.files = files;
        this.launcher = launcher;
        this.environment = environment;
        this.diagnostics = diagnostics;
        this.outputLimit = outputLimit;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Run a program with explicit arguments, without a shell (to use shell syntax, run /bin/sh -c "
                + "explicitly). Do not start long-running foreground processes such as servers or `tail -f`; prefer "
                + "short timeouts. stdin is empty. Each output stream is cut after 10 MiB. In isolated runtimes only "
                + "allowlisted network destinations are reachable.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.object()
                .prop("command", "string", "Program to run, found on PATH or given as a path. No shell is used: "
                        + "pipes, redirections, globs, variables and quoting are not interpreted.")
                .arrayOf("args", "string", "Arguments passed to the program exactly as given.")
                .stringMap("env", "Extra environment variables. Protected names (PATH, HOME, LD_*, proxies and "
                        + "similar) are ignored.")
                .prop("cwd", "string", "Working directory inside the workspace; must exist.")
                .prop("stdout", "boolean", "Include standard output in the result.")
                .prop("stderr", "boolean", "Include standard error in the result.")
                .prop("timeout", "number", "Time limit in milliseconds (default 60000, at most 3600000). On expiry "
                        + "the whole process group is killed.")
                .required("command", "args", "env", "cwd", "stdout", "stderr")
                .build();
    }

    /** The JSON of §4; a failed command is an error result, never a {@link ToolFailure}. */
    @Override
    public ToolOutput.Text call(Arguments args, Todo todos) {
        String command;
        List<String> arguments;
        long timeoutMillis;
        boolean wantStdout;
        boolean wantStderr;
        Location cwd;
        EnvironmentPolicy.ExecEnvironment env;
        try {
            command = args.string("command");
            arguments = args.strings("args");
            wantStdout = args.flag("stdout", true);
            wantStderr = args.flag("stderr", true);
            Long timeout = args.optionalNumber("timeout");
            timeoutMillis = timeout == null || timeout <= 0 ? LaunchSpec.DEFAULT_TIMEOUT.toMillis()
                    : Math.min(timeout, LaunchSpec.MAX_TIMEOUT.toMillis());
            cwd = files.directory(args.optionalString("cwd", "."));
            env = environment.forExec(args.stringMap("env"));
        } catch (ToolFailure e) {
            return error(e.getMessage());
        }
        if (!env.dropped().isEmpty()) {
            diagnostics.accept("[@perstack/base] exec: dropped protected environment variables " + env.dropped());
        }
        if (launcher == null) {
            return error("exec is not available: no isolation backend was configured for this run");
        }
        List<String> argv = new ArrayList<>(arguments.size() + 1);
        argv.add(command);
        argv.addAll(arguments);
        Path directory = workspace.hostPath(cwd);
        LaunchSpec spec;
        try {
            spec = new LaunchSpec(argv, directory, env.environment(), Duration.ofMillis(timeoutMillis),
                    LaunchSpec.Stdin.NULL);
        } catch (IllegalArgumentException e) {
            return error("Invalid command: " + e.getMessage());
        }
        LaunchedProcess process;
        try {
            process = launcher.launch(spec);
        } catch (CommandNotFoundException e) {
            return error("Command not found: " + command);
        } catch (IOException e) {
            return error("Command failed to start: " + e.getMessage());
        }
        OutputCapture out = OutputCapture.start(process.stdout(), outputLimit);
        OutputCapture err = OutputCapture.start(process.stderr(), outputLimit);
        ExitStatus status;
        try {
            status = process.exit().get();
            out.await(DRAIN_WAIT);
            err.await(DRAIN_WAIT);
        } catch (InterruptedException e) {
            process.terminate();
            Thread.currentThread().interrupt();
            return error("Command interrupted: " + command);
        } catch (ExecutionException e) {
            return error("Command failed: " + e.getCause());
        }
        String stdout = wantStdout ? out.text() : "";
        String stderr = wantStderr ? err.text() : "";
        if (status.success()) {
            String output = stdout + stderr;
            return new ToolOutput.Text(Json.object().put("output", output.isBlank()
                    ? "Command executed successfully, but produced no output." : output), false);
        }
        String message;
        if (status.timedOut()) {
            message = "Command timed out after " + timeoutMillis + "ms.";
        } else if (status.signal() != null) {
            message = "Command terminated by signal " + status.signal();
        } else {
            message = "Command failed with exit code " + status.code() + ": " + String.join(" ", argv);
        }
        ObjectNode json = Json.object().put("error", message);
        if (!stdout.isEmpty()) {
            json.put("stdout", stdout);
        }
        if (!stderr.isEmpty()) {
            json.put("stderr", stderr);
        }
        return new ToolOutput.Text(json, true);
    }

    private static ToolOutput.Text error(String message) {
        return new ToolOutput.Text(Json.object().put("error", message), true);
    }
}
