package io.perstack.cli;

import io.perstack.base.BaseSkill;
import io.perstack.core.config.PerstackToml;
import io.perstack.core.json.Json;
import io.perstack.cli.log.LogCommand;
import io.perstack.llm.Providers;
import io.perstack.runtime.Version;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code perstack}: the command-line entry point. */
@Command(name = "perstack", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Run, inspect and manage Perstack Experts.",
        subcommands = {RunCommand.class, LogCommand.class, InstallCommand.class, McpCommand.class,
                AotTrainingCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        Thread.ofPlatform().daemon().name("warm-up").start(Main::warmUp);
        int code = execute(args);
        Providers.closeAll();
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (no {@code System.exit}), for tests and embedding. */
    public static int execute(String... args) {
        PrintWriter err = new PrintWriter(System.err, true);
        CommandLine cli;
        if (args.length > 0 && args[0].equals("run")) {
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            // The common case does not load picocli at all (see RunArguments); picocli still has the last word on
            // every command line that is not plainly well-formed.
            Optional<RunCommand> parsed = RunArguments.parse(rest);
            if (parsed.isPresent()) {
                try {
                    return parsed.get().call();
                } catch (Exception e) {
                    return failed(e, err);
                }
            }
            // Building only this command's spec skips reflecting over every command's annotations.
            cli = new CommandLine(new RunCommand());
            cli.setCommandName("perstack run");
            args = rest.toArray(String[]::new);
        } else {
            cli = new CommandLine(new Main());
        }
        cli.setOut(new PrintWriter(System.out, true));
        cli.setErr(err);
        // picocli's usage-error code 2 must become 1 (cli.md §1).
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println(e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr())) {
                cmd.usage(cmd.getErr());
            }
            return ExitCodes.FAILURE;
        });
        cli.setExecutionExceptionHandler((e, cmd, result) -> failed(e, cmd.getErr()));
        return cli.execute(args);
    }

    /**
     * A command that failed: a {@link UserError} is its message alone; anything else is its message, with the stack
     * trace only when {@code PERSTACK_DEBUG} is set.
     */
    private static int failed(Exception e, PrintWriter err) {
        if (e instanceof UserError) {
            err.println(e.getMessage());
        } else {
            err.println(e.getMessage() == null ? e.toString() : e.getMessage());
            if (System.getenv("PERSTACK_DEBUG") != null) {
                e.printStackTrace(err);
            }
        }
        return ExitCodes.FAILURE;
    }

    /**
     * Work every run needs later, done on the second core while the command line is read and the configuration
     * loaded. Each step only initialises shared, thread-safe state; a failure here is met again, and reported, where
     * the run really needs that piece.
     */
    private static void warmUp() {
        try {
            // The base skill's native calls first: they are the longest piece, and the main thread needs them
            // when the job opens its workspace; JSON and TOML it would otherwise set up itself, in parallel.
            BaseSkill.linkNativeCalls();
            Json.warmUp();
            PerstackToml.parse("[experts.\"warm\"]\ninstruction = \"x\"\n".getBytes(StandardCharsets.UTF_8), null,
                    "warm-up");
        } catch (Exception | LinkageError e) {
            // See above: nothing to report here.
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Version.current()};
        }
    }
}
