package io.perstack.cli.tui;

import io.perstack.cli.tui.History.CheckpointRow;
import io.perstack.cli.tui.History.JobRow;
import io.perstack.cli.tui.Screen.Checkpoints;
import io.perstack.cli.tui.Screen.Experts;
import io.perstack.cli.tui.Screen.Jobs;
import io.perstack.cli.tui.Screen.Query;
import io.perstack.cli.tui.Screen.TypeExpert;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The lines of each selection screen of {@code perstack start}. Pure; times are UTC. */
public final class StartScreen {
    /** At most this many rows of a list are visible; the window follows the cursor. */
    static final int VISIBLE_ROWS = 25;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private StartScreen() {}

    public static List<StyledLine> render(StartModel m) {
        List<StyledLine> lines = new ArrayList<>();
        lines.add(StyledLine.of(Tone.BOLD, "Perstack"));
        if (m.notice() != null) {
            lines.add(StyledLine.of(Tone.WARN, Snippet.line(m.notice(), 200)));
        }
        lines.add(StyledLine.plain(""));
        switch (m.screen()) {
            case Experts e -> {
                lines.add(StyledLine.plain("Select an Expert"));
                lines.add(hint("↑/↓ move · Enter select · i type a key · h history · q quit"));
                if (e.keys().isEmpty()) {
                    lines.add(StyledLine.of(Tone.DIM, "  (no Experts in perstack.toml: press i to type a key)"));
                }
                list(lines, e.keys(), e.cursor(), k -> Snippet.line(k, 100));
            }
            case TypeExpert t -> {
                lines.add(StyledLine.plain("Type an Expert key"));
                lines.add(hint("Enter select · Esc back"));
                lines.add(StyledLine.plain("Expert: " + t.text() + "█"));
            }
            case Jobs j -> {
                lines.add(StyledLine.plain("Job history"));
                lines.add(hint("↑/↓ move · Enter continue · c checkpoints · n new run · b back · q quit"));
                if (j.rows().isEmpty()) {
                    lines.add(StyledLine.of(Tone.DIM, "  (no jobs yet)"));
                }
                list(lines, j.rows(), j.cursor(), StartScreen::job);
            }
            case Checkpoints c -> {
                lines.add(StyledLine.plain("Checkpoints of " + job(c.job())));
                lines.add(hint("↑/↓ move · Enter run from here · b back · q quit"));
                list(lines, c.rows(), c.cursor(), StartScreen::checkpoint);
            }
            case Query q -> {
                lines.add(StyledLine.plain("Expert: " + Snippet.line(q.expertKey(), 100)
                        + (q.resume().isNew() ? "" : "  (job " + q.resume().jobId()
                        + (q.resume().checkpointId() == null ? "" : ", from " + q.resume().checkpointId()) + ")")));
                lines.add(hint("Enter run · Esc back"));
                lines.add(prompt(q));
            }
        }
        return lines;
    }

    /** The one input line: {@code Query: text█}. */
    public static StyledLine prompt(Query q) {
        return StyledLine.of(Tone.BOLD, q.label() + ": " + q.text() + "█");
    }

    /** {@code <expertKey> - <totalSteps> steps (<jobId>) (<startedAt>)}. */
    static String job(JobRow j) {
        return Snippet.line(j.expertKey(), 100) + " - " + j.totalSteps() + " steps (" + j.jobId() + ") ("
                + TIME.format(java.time.Instant.ofEpochMilli(j.startedAt())) + ")";
    }

    /** {@code Step <n> (<checkpointId>)}, and whether it waits for an answer. */
    static String checkpoint(CheckpointRow c) {
        return "Step " + c.step() + " (" + c.checkpointId() + ")" + (c.waiting() ? " · waiting for an answer" : "");
    }

    private static <T> void list(List<StyledLine> lines, List<T> rows, int cursor, Function<T, String> text) {
        int first = Math.max(0, Math.min(cursor - VISIBLE_ROWS / 2, rows.size() - VISIBLE_ROWS));
        int end = Math.min(rows.size(), first + VISIBLE_ROWS);
        for (int i = first; i < end; i++) {
            String row = text.apply(rows.get(i));
            lines.add(i == cursor ? StyledLine.of(Tone.SELECTED, "› " + row) : StyledLine.plain("  " + row));
        }
    }

    private static StyledLine hint(String text) {
        return StyledLine.of(Tone.DIM, text);
    }
}
