package io.perstack.cli;

import io.perstack.cli.log.LogCommand;
import io.perstack.llm.Providers;
import io.perstack.runtime.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code perstack}: the command-line entry point. */
@Command(name = "perstack", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Run, inspect and manage Perstack Experts.",
        subcommands = {RunCommand.class, LogCommand.class, InstallCommand.class, McpCommand.class,
                AotTrainingCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        int code = execute(args);
        Providers.closeAll();
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (no {@code System.exit}), for tests and embedding. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
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
