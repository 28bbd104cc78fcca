package io.perstack.cli.tui;

import io.perstack.cli.tui.History.CheckpointRow;
import io.perstack.cli.tui.History.JobRow;
import io.perstack.cli.tui.Screen.Checkpoints;
import io.perstack.cli.tui.Screen.Experts;
import io.perstack.cli.tui.Screen.Jobs;
import io.perstack.cli.tui.Screen.Query;
import io.perstack.cli.tui.Screen.TypeExpert;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The selection phase of {@code perstack start} as a pure state machine: a key and the current history in, the next
 * model and an {@link Action} out. Knows nothing about terminals or runs.
 *
 * @param experts the Experts offered: those of {@code perstack.toml}, then recently used ones
 * @param notice  a one-line message shown above the screen (a refused input, a failed run), or {@code null}
 */
public record StartModel(Screen screen, List<String> experts, String notice) {
    private static final int RECENT = 10;

    public StartModel {
        experts = List.copyOf(experts);
    }

    /** A key and what follows from it. */
    public record Transition(StartModel model, Action action) {
        Transition noticed(String text) {
            return new Transition(model.withNotice(text), action);
        }
    }

    /**
     * The first screen: the query for {@code expertKey} when given, else the job history when there is one, else
     * the Expert list.
     */
    public static StartModel opening(List<String> configured, History history, String expertKey) {
        List<JobRow> jobs = history.jobs();
        Set<String> keys = new LinkedHashSet<>(configured);
        jobs.stream().map(JobRow::expertKey).distinct().limit(RECENT).forEach(keys::add);
        List<String> experts = List.copyOf(keys);
        if (expertKey != null) {
            return new StartModel(new Query(expertKey, Resume.NEW, "Query", "", false), experts, null);
        }
        return new StartModel(jobs.isEmpty() ? new Experts(experts, 0) : new Jobs(jobs, 0), experts, null);
    }

    /** After a run: a prompt below its output that continues the same job, or answers its question. */
    public StartModel afterRun(String expertKey, String jobId, Outcome outcome) {
        boolean answer = outcome instanceof Outcome.WaitingForAnswer;
        return new StartModel(new Query(expertKey, new Resume(jobId, null, answer), answer ? "Answer" : "Continue",
                "", true), experts, null);
    }

    public StartModel withNotice(String text) {
        return new StartModel(screen, experts, text);
    }

    public StartModel home() {
        return to(new Experts(experts, 0));
    }

    public Transition on(Key key, History history) {
        if (key.kind() == Key.Kind.INTERRUPT) {
            return quit(130);
        }
        if (key.kind() == Key.Kind.QUIT || key.kind() == Key.Kind.END) {
            return quit(0);
        }
        return switch (screen) {
            case Experts e -> experts(e, key, history);
            case TypeExpert t -> typeExpert(t, key);
            case Jobs j -> jobs(j, key, history);
            case Checkpoints c -> checkpoints(c, key, history);
            case Query q -> query(q, key, history);
        };
    }

    private Transition experts(Experts e, Key key, History history) {
        return switch (key.kind()) {
            case UP, DOWN -> redraw(new Experts(e.keys(), move(e.cursor(), key, e.keys().size())));
            case ENTER -> e.keys().isEmpty() ? redraw(new TypeExpert(""))
                    : redraw(new Query(e.keys().get(e.cursor()), Resume.NEW, "Query", "", false));
            case CHAR -> key.is('q') ? quit(0) : key.is('i') ? redraw(new TypeExpert(""))
                    : key.is('h') ? redraw(new Jobs(history.jobs(), 0)) : stay();
            default -> stay();
        };
    }

    private Transition typeExpert(TypeExpert t, Key key) {
        return switch (key.kind()) {
            case ESCAPE -> redraw(new Experts(experts, 0));
            case BACKSPACE -> redraw(new TypeExpert(dropLast(t.text())));
            case CHAR -> redraw(new TypeExpert(t.text() + Character.toString(key.ch())));
            case ENTER -> t.text().isBlank() ? stay().noticed("Expert key is required")
                    : redraw(new Query(t.text().strip(), Resume.NEW, "Query", "", false));
            default -> stay();
        };
    }

    private Transition jobs(Jobs j, Key key, History history) {
        JobRow row = j.rows().isEmpty() ? null : j.rows().get(j.cursor());
        return switch (key.kind()) {
            case UP, DOWN -> redraw(new Jobs(j.rows(), move(j.cursor(), key, j.rows().size())));
            case ESCAPE -> redraw(new Experts(experts, 0));
            case ENTER -> row == null ? stay() : resume(row, null, history);
            case CHAR -> {
                if (key.is('q')) {
                    yield quit(0);
                } else if (key.is('n') || key.is('b')) {
                    yield redraw(new Experts(experts, 0));
                } else if (key.is('c') && row != null) {
                    yield redraw(new Checkpoints(row, history.checkpoints(row.jobId()), 0));
                }
                yield stay();
            }
            default -> stay();
        };
    }

    private Transition checkpoints(Checkpoints c, Key key, History history) {
        CheckpointRow row = c.rows().isEmpty() ? null : c.rows().get(c.cursor());
        return switch (key.kind()) {
            case UP, DOWN -> redraw(new Checkpoints(c.job(), c.rows(), move(c.cursor(), key, c.rows().size())));
            case ESCAPE -> redraw(new Jobs(history.jobs(), 0));
            case ENTER -> row == null ? stay() : resume(c.job(), row, history);
            case CHAR -> key.is('q') ? quit(0) : key.is('b') ? redraw(new Jobs(history.jobs(), 0)) : stay();
            default -> stay();
        };
    }

    /** Continue a job: from its latest checkpoint, or branch from {@code at}; a waiting one asks for the answer. */
    private Transition resume(JobRow job, CheckpointRow at, History history) {
        CheckpointRow from = at;
        if (from == null) {
            List<CheckpointRow> all = history.checkpoints(job.jobId());
            from = all.isEmpty() ? null : all.getFirst();
        }
        if (from == null) {
            return stay().noticed("Job " + job.jobId() + " has no checkpoint to continue from");
        }
        boolean answer = from.waiting();
        Resume resume = new Resume(job.jobId(), at == null ? null : at.checkpointId(), answer);
        return redraw(new Query(from.expertKey(), resume, answer ? "Answer" : "Query", "", false));
    }

    private Transition query(Query q, Key key, History history) {
        return switch (key.kind()) {
            case ESCAPE -> redraw(q.resume().isNew() ? new Experts(experts, 0) : new Jobs(history.jobs(), 0));
            case BACKSPACE -> redraw(new Query(q.expertKey(), q.resume(), q.label(), dropLast(q.text()), q.afterRun()));
            case CHAR -> redraw(new Query(q.expertKey(), q.resume(), q.label(),
                    q.text() + Character.toString(key.ch()), q.afterRun()));
            case ENTER -> q.text().isBlank() ? stay().noticed("Query is required")
                    : new Transition(this, new Action.Run(q.expertKey(), q.text().strip(), q.resume()));
            case TIMEOUT -> q.afterRun() ? quit(0) : stay();
            default -> stay();
        };
    }

    private static int move(int cursor, Key key, int size) {
        if (size == 0) {
            return 0;
        }
        return key.kind() == Key.Kind.UP ? Math.max(0, cursor - 1) : Math.min(size - 1, cursor + 1);
    }

    private static String dropLast(String s) {
        return s.isEmpty() ? s : s.substring(0, s.offsetByCodePoints(s.length(), -1));
    }

    private StartModel to(Screen next) {
        return new StartModel(next, experts, null);
    }

    private Transition redraw(Screen next) {
        return new Transition(to(next), new Action.Redraw());
    }

    private Transition stay() {
        return new Transition(this, new Action.Redraw());
    }

    private Transition quit(int code) {
        return new Transition(this, new Action.Quit(code));
    }
}
