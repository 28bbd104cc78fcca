package io.perstack.cli;

import io.perstack.cli.tui.Action;
import io.perstack.cli.tui.FooterPane;
import io.perstack.cli.tui.History;
import io.perstack.cli.tui.Key;
import io.perstack.cli.tui.KeyReader;
import io.perstack.cli.tui.LiveScreen;
import io.perstack.cli.tui.LiveView;
import io.perstack.cli.tui.Outcome;
import io.perstack.cli.tui.Resume;
import io.perstack.cli.tui.Screen;
import io.perstack.cli.tui.StartModel;
import io.perstack.cli.tui.StartScreen;
import io.perstack.cli.tui.StyledLine;
import io.perstack.cli.tui.TerminalSession;
import io.perstack.llm.Providers;
import java.io.PrintStream;
import java.util.List;

/**
 * The loop of {@code perstack start}: draws the model, reads a key, and runs what the model asks for with the live
 * view, then offers the prompt that continues the job. Keys are read raw; during a run Ctrl+C is a signal again, so
 * it cancels the run as in {@code perstack run}.
 */
final class StartSession {
    /** No input for this long at the prompt after a run ends the session (docs/cli.md: 60 seconds). */
    private static final long IDLE_EXIT_MS = 60_000;
    private final TerminalSession terminal;
    private final RunFlags flags;
    private final History history;
    private final Providers providers;
    private int signalExit;

    /** {@code providers} is shared by the session's runs, so a second run reuses the first one's connections. */
    StartSession(TerminalSession terminal, RunFlags flags, History history, Providers providers) {
        this.terminal = terminal;
        this.flags = flags;
        this.history = history;
        this.providers = providers;
    }

    /** Runs until the user quits; the exit code. With both {@code expertKey} and {@code query}, runs at once. */
    int run(StartModel opening, String expertKey, String query) {
        KeyReader keys = terminal.keys(false);
        StartModel model = opening;
        if (expertKey != null && query != null) {
            clear();
            model = execute(new Action.Run(expertKey, query, Resume.NEW), model, flags);
        }
        while (signalExit == 0) {
            draw(model);
            boolean prompt = model.screen() instanceof Screen.Query q && q.afterRun();
            Key key = keys.next(prompt ? IDLE_EXIT_MS : 0);
            StartModel.Transition t = model.on(key, history);
            switch (t.action()) {
                case Action.Redraw r -> model = t.model();
                case Action.Quit q -> {
                    out().print("\r\n");
                    out().flush();
                    return q.exitCode();
                }
                case Action.Run r -> {
                    if (!(t.model().screen() instanceof Screen.Query q && q.afterRun())) {
                        clear();
                    } else {
                        out().print("\r\n");
                    }
                    model = execute(r, t.model(), flags.resumed(r.resume()));
                }
            }
        }
        return signalExit;
    }

    /** One run with the live view; the next model is the prompt after it, or where we were with the error. */
    private StartModel execute(Action.Run r, StartModel before, RunFlags runFlags) {
        terminal.keys(true);
        try {
            Invocation invocation;
            try {
                invocation = Invocation.prepare(r.expertKey(), r.query(), runFlags, providers);
            } catch (UserError e) {
                return before.withNotice(e.getMessage());
            }
            LiveView view = new LiveView(new LiveScreen(invocation.price()),
                    new FooterPane(out(), terminal::width), terminal::width, false);
            view.begin();
            String failure = null;
            try {
                invocation.run(view);
            } catch (RuntimeException e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
            } finally {
                view.close();
            }
            signalExit = invocation.signalExitCode();
            Outcome outcome = view.state().outcome();
            if (outcome == null) {
                return before.home().withNotice(failure == null ? "The run ended without a result" : failure);
            }
            return before.afterRun(r.expertKey(), invocation.jobId(), outcome);
        } finally {
            terminal.keys(false);
            terminal.discardTypedAhead();
        }
    }

    private void draw(StartModel model) {
        PrintStream out = out();
        if (model.screen() instanceof Screen.Query q && q.afterRun()) {
            // Below the run's output, which stays on screen: only the prompt line is redrawn.
            StringBuilder b = new StringBuilder("\r\u001b[K");
            if (model.notice() != null) {
                b.append(line(new StyledLine(io.perstack.cli.tui.Tone.WARN, io.perstack.core.policy.TerminalText.oneLine(model.notice())))).append("\r\n");
            }
            out.print(b.append(line(StartScreen.prompt(q))));
            out.flush();
            return;
        }
        List<StyledLine> lines = StartScreen.render(model);
        StringBuilder b = new StringBuilder("\u001b[H\u001b[2J");
        for (StyledLine l : lines) {
            b.append(line(l)).append("\r\n");
        }
        out.print(b);
        out.flush();
    }

    private String line(StyledLine l) {
        return l.tone().paint(FooterPane.fit(l.text(), terminal.width() - 1));
    }

    private void clear() {
        out().print("\u001b[H\u001b[2J");
        out().flush();
    }

    private PrintStream out() {
        return terminal.out();
    }
}
