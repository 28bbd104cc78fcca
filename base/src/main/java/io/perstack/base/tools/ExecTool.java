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
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** The {@code exec} tool of docs/base-skill.md §4: no shell, a clean environment, a bounded time and bounded output. */
public final class ExecTool {
    /** Each stream keeps this many bytes (10 MiB). */
    public static final int OUTPUT_LIMIT = 10 * 1024 * 1024;
    // After the command exits its process group is killed; only a process that left the group can still hold the
    // pipes open, and its output is not worth waiting for beyond this.
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);

    private final Workspace workspace;
    private final FileTools files;
    private final ProcessLauncher launcher;
    private final EnvironmentPolicy environment;
    private final Consumer<String> diagnostics;
    private final int outputLimit;

    /**
     * @param launcher    the isolation backend's launcher; {@code null} makes every call fail with a clear message
     * @param diagnostics where dropped protected names are reported (stderr, never the model)
     */
    public ExecTool(Workspace workspace, FileTools files, ProcessLauncher launcher, EnvironmentPolicy environment,
                    Consumer<String> diagnostics) {
        this(workspace, files, launcher, environment, diagnostics, OUTPUT_LIMIT);
    }

    ExecTool(Workspace workspace, FileTools files, ProcessLauncher launcher, EnvironmentPolicy environment,
             Consumer<String> diagnostics, int outputLimit) {
        this.workspace = workspace;
        this.files = files;
        this.launcher = launcher;
        this.environment = environment;
        this.diagnostics = diagnostics;
        this.outputLimit = outputLimit;
    }

    /** The result of one call: the JSON of §4 and whether it is a failure. */
    public record Result(ObjectNode json, boolean isError) {}

    public Result run(Arguments args) {
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
            return new Result(Json.object().put("output", output.isBlank()
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
        return new Result(json, true);
    }

    private static Result error(String message) {
        return new Result(Json.object().put("error", message), true);
    }
}
