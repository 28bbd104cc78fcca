package io.perstack.cli;

import io.perstack.cli.tui.FooterPane;
import io.perstack.cli.tui.LiveScreen;
import io.perstack.cli.tui.LiveView;
import io.perstack.cli.tui.TerminalSession;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.llm.Providers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code perstack run <expertKey> <query>}: headless run, every event as one JSON line on stdout (docs/cli.md §2). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an Expert: a live view on a terminal, else (and with --json) every event as one JSON line on stdout.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "expertKey", description = "Key of the Expert to run (as in perstack.toml)")
    String expertKey;

    @Parameters(index = "1", paramLabel = "query",
            description = "The task for the Expert; with -i, the answer to the pending interactive tool call")
    String query;

    @Mixin
    RunFlags flags;

    /** Whether the live view tells the person how the run went (else the narration does, on stderr). */
    private boolean live;

    @Override
    public Integer call() {
        // The command owns the provider clients; closing them releases their idle connections.
        try (Providers providers = new Providers()) {
            return call(providers);
        }
    }

    private Integer call(Providers providers) {
        Invocation invocation = Invocation.prepare(expertKey, query, flags, providers);
        Checkpoint result;
        try {
            result = run(invocation);
        } catch (RuntimeException e) {
            // Work cut short by a signal may fail on its way out; the signal decides the exit code, not that failure.
            if (invocation.signalExitCode() != 0) {
                return interrupted(invocation);
            }
            throw e;
        }
        if (invocation.signalExitCode() != 0) {
            return interrupted(invocation);
        }
        if (!live) {
            invocation.narration().ending(result).forEach(System.err::println);
        }
        return result.status() == CheckpointStatus.STOPPED_BY_ERROR ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    /**
     * JSON lines unless stdout is a terminal and {@code --json} was not given: then the live view, while the full
     * events still go to the job history.
     */
    private Checkpoint run(Invocation invocation) {
        Optional<TerminalSession> terminal = flags.json ? Optional.empty() : TerminalSession.open();
        if (terminal.isEmpty()) {
            return invocation.run(System.out);
        }
        live = true;
        try (TerminalSession t = terminal.get()) {
            LiveView view = new LiveView(new LiveScreen(invocation.price()), new FooterPane(t.out(), t::width),
                    t::width, true);
            view.begin();
            try {
                return invocation.run(view);
            } finally {
                view.close();
            }
        }
    }

    private int interrupted(Invocation invocation) {
        if (!live) {
            invocation.narration().interrupted(invocation.jobId()).forEach(System.err::println);
        }
        return invocation.signalExitCode();
    }

    /** Collects argument validation problems into the {@code Validation failed:} format of docs/cli.md §1. */
    static final class ArgumentProblems {
        private final List<String> lines = new ArrayList<>();

        void add(String path, String message) {
            lines.add("  - " + path + ": " + message);
        }

        void throwIfAny() {
            if (!lines.isEmpty()) {
                throw new UserError("Validation failed:\n" + String.join("\n", lines));
            }
        }
    }
}
