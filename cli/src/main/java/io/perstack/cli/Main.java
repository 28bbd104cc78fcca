package io.perstack.cli;

import io.perstack.base.BaseSkill;
import io.perstack.core.config.PerstackToml;
import io.perstack.core.json.Json;
import io.perstack.core.policy.TerminalText;
import io.perstack.cli.log.LogCommand;
import io.perstack.runtime.Version;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code perstack}: the command-line entry point. */
@Command(name = "perstack", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Run, inspect and manage Perstack Experts.",
        subcommands = {RunCommand.class, StartCommand.class, LogCommand.class, InstallCommand.class, McpCommand.class,
                AotTrainingCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        Thread.ofPlatform().daemon().name("warm-up").start(Main::warmUp);
        System.exit(execute(args));
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
        // picocli's usage-error code 2 must become 1 (docs/cli.md §1).
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            printError(cmd.getErr(), e.getMessage());
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
        printError(err, e instanceof UserError || e.getMessage() != null ? e.getMessage() : e.toString());
        if (!(e instanceof UserError) && System.getenv("PERSTACK_DEBUG") != null) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            // Only what the trace quotes is escaped, not a platform's CR LF line ends.
            err.print(TerminalText.visible(trace.toString().replace(System.lineSeparator(), "\n")));
            err.flush();
        }
        return ExitCodes.FAILURE;
    }

    /**
     * Every error the CLI prints goes through here. Messages quote names and values from {@code perstack.toml}, the
     * command line or a server's reply, any of which may hold an escape sequence or a bidi override; those are shown
     * escaped ({@link TerminalText#visible}, SR-40) rather than sent to the terminal, at this one place rather than
     * at each of the many places that build a message.
     */
    static void printError(PrintWriter err, String message) {
        err.println(TerminalText.visible(message));
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
