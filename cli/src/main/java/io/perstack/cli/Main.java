package io.perstack.cli;

import io.perstack.base.BaseSkill;
import io.perstack.core.config.PerstackToml;
import io.perstack.core.json.Json;
import io.perstack.cli.log.LogCommand;
import io.perstack.llm.Providers;
import io.perstack.runtime.Version;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
        CommandLine cli;
        if (args.length > 0 && args[0].equals("run")) {
            // The common case builds only its own command: reflecting over every command's annotations would cost
            // each headless run about a tenth of a second before it does anything.
            cli = new CommandLine(new RunCommand());
            cli.setCommandName("perstack run");
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        } else {
            cli = new CommandLine(new Main());
        }
        cli.setOut(new PrintWriter(System.out, true));
        cli.setErr(new PrintWriter(System.err, true));
        // picocli's usage-error code 2 must become 1 (cli.md §1).
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println(e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr())) {
                cmd.usage(cmd.getErr());
            }
            return ExitCodes.FAILURE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UserError) {
                cmd.getErr().println(e.getMessage());
            } else {
                cmd.getErr().println(e.getMessage() == null ? e.toString() : e.getMessage());
                if (System.getenv("PERSTACK_DEBUG") != null) {
                    e.printStackTrace(cmd.getErr());
                }
            }
            return ExitCodes.FAILURE;
        });
        return cli.execute(args);
    }

    /**
     * Work every run needs later, done on the second core while picocli reads the command line (picocli's classes
     * are Java 5 bytecode, which the JVM's start-up cache cannot hold, so parsing is the slowest part of a start).
     * Each step only initialises shared, thread-safe state; a failure here is met again, and reported, where the
     * run really needs that piece.
     */
    private static void warmUp() {
        try {
            Json.mapper().readTree("{\"warm\":[1]}");
            PerstackToml.parse("[experts.\"warm\"]\ninstruction = \"x\"\n".getBytes(StandardCharsets.UTF_8), null,
                    "warm-up");
            javax.net.ssl.SSLContext.getDefault();
            BaseSkill.linkNativeCalls();
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
