package io.perstack.cli.tui;

import io.perstack.core.config.PerstackConfig.Price;
import io.perstack.core.model.Usage;
import io.perstack.runtime.cost.CostMeter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the live state into lines: the activity log (printed once, scrolls away), the footer (redrawn while the run
 * goes on: Expert tree, streaming text, tokens and cost) and the ending (what to do next). Pure: no terminal here.
 *
 * @param price the model's price for the cost estimate, or {@code null} when unknown (no cost shown)
 */
public record LiveScreen(Price price) {

    /** The lines one activity adds to the log. */
    public List<StyledLine> log(Activity a) {
        String in = "  ".repeat(a.depth());
        return switch (a) {
            case Activity.RunStarted r -> List.of(StyledLine.of(Tone.ACCENT, in + (r.depth() == 0 ? "▶ " : "└ ")
                    + r.expertKey() + (r.query().isEmpty() ? " resumes" : "  " + r.query())));
            case Activity.ToolCalled t -> List.of(StyledLine.plain(in + "  ● " + t.toolName() + "(" + t.args() + ")"));
            case Activity.ToolAnswered t -> List.of(t.error()
                    ? StyledLine.of(Tone.ERROR, in + "    ✗ " + t.toolName() + ": " + t.firstLine())
                    : StyledLine.of(Tone.DIM, in + "    ↳ " + t.firstLine()));
            case Activity.Retried r -> List.of(StyledLine.of(Tone.WARN, in + "  ↻ retry: " + r.reason()));
            case Activity.RunCompleted c -> completed(in, c);
            case Activity.RunStopped s -> List.of(StyledLine.of(Tone.WARN, in + "■ " + s.expertKey() + " stopped: "
                    + s.why()));
            case Activity.RunFailed f -> List.of(StyledLine.of(Tone.ERROR, in + "✖ " + f.expertKey() + " failed: "
                    + f.error()));
        };
    }

    private static List<StyledLine> completed(String in, Activity.RunCompleted c) {
        List<StyledLine> lines = new ArrayList<>();
        if (c.depth() > 0) {
            lines.add(StyledLine.of(Tone.OK, in + "✔ " + c.expertKey() + (c.text().isEmpty() ? ""
                    : ": " + c.text().getFirst())));
            return lines;
        }
        lines.add(StyledLine.of(Tone.OK, in + "✔ " + c.expertKey() + " completed"));
        c.text().forEach(t -> lines.add(StyledLine.plain(in + "  " + t)));
        return lines;
    }

    /** The part redrawn in place while the job runs; empty once the coordinator's run has ended. */
    public List<StyledLine> footer(LiveState s, int width) {
        if (s.outcome() != null || s.runs().isEmpty()) {
            return s.runs().isEmpty() ? List.of(StyledLine.of(Tone.DIM, "Starting…")) : List.of();
        }
        List<StyledLine> lines = new ArrayList<>();
        lines.add(StyledLine.of(Tone.DIM, "─".repeat(Math.max(10, Math.min(width, 60)))));
        for (RunNode r : s.runs()) {
            if (!r.equals(s.root()) && (r.depth() == 0 || r.phase().isFinal())) {
                continue; // finished children and earlier segments are in the log; the tree shows who is at work
            }
            String in = "  ".repeat(r.depth());
            lines.add(StyledLine.of(r.depth() == 0 ? Tone.BOLD : Tone.PLAIN, in + (r.depth() == 0 ? "● " : "└ ")
                    + r.expertKey() + " · step " + r.step() + " · " + r.phase().label()));
        }
        if (s.streaming() != null) {
            String label = s.streaming().reasoning() ? "Reasoning… " : "Generating… ";
            lines.add(StyledLine.of(Tone.DIM, label + Snippet.tail(s.streaming().text(),
                    Math.max(10, width - label.length() - 1))));
        }
        lines.add(StyledLine.of(Tone.DIM, totals(s)));
        return lines;
    }

    /** Said once when the coordinator's run has ended: the outcome and, with {@code commands}, how to go on. */
    public List<StyledLine> ending(LiveState s, boolean commands) {
        Outcome outcome = s.outcome();
        if (outcome == null) {
            return List.of();
        }
        RunNode root = s.root();
        ContinueCommand next = new ContinueCommand(root == null ? "<expert>" : root.expertKey(), s.jobId());
        List<StyledLine> lines = new ArrayList<>();
        lines.add(StyledLine.plain(""));
        switch (outcome) {
            case Outcome.Completed c -> {
                lines.add(StyledLine.of(Tone.OK, "Completed · " + totals(s)));
                if (commands) {
                    lines.add(StyledLine.plain("Continue: " + next.followUp()));
                }
            }
            case Outcome.WaitingForAnswer w -> {
                lines.add(StyledLine.of(Tone.WARN, "Stopped · " + w.toolName() + " asks: " + w.question()));
                lines.add(StyledLine.of(Tone.DIM, totals(s)));
                if (commands) {
                    lines.add(StyledLine.plain("Answer: " + next.answer()));
                }
            }
            case Outcome.MaxStepsReached m -> {
                lines.add(StyledLine.of(Tone.WARN, "Stopped · maximum steps reached at step " + m.step()
                        + " · " + totals(s)));
                if (commands) {
                    lines.add(StyledLine.plain("Continue: " + next.followUp()));
                    lines.add(StyledLine.of(Tone.DIM, "  --max-steps counts the whole job: add --max-steps <n> "
                            + "with n above " + m.step() + " for more steps"));
                }
            }
            case Outcome.Failed f -> {
                lines.add(StyledLine.of(Tone.ERROR, "Stopped by error · " + f.error()));
                lines.add(StyledLine.of(Tone.DIM, totals(s)));
                if (commands) {
                    lines.add(StyledLine.plain("Continue: " + next.followUp()));
                }
            }
        }
        return lines;
    }

    /** {@code job <id> · 1,234 tokens (1,000 in · 234 out) · $0.0123}. */
    String totals(LiveState s) {
        Usage u = s.usage();
        StringBuilder b = new StringBuilder();
        b.append("job ").append(s.jobId() == null ? "…" : s.jobId());
        b.append(" · ").append(String.format(Locale.ROOT, "%,d", u.totalTokens())).append(" tokens (")
                .append(String.format(Locale.ROOT, "%,d", u.inputTokens() + u.cachedInputTokens())).append(" in · ")
                .append(String.format(Locale.ROOT, "%,d", u.outputTokens())).append(" out)");
        if (price != null) {
            CostMeter meter = new CostMeter(price, 0);
            meter.add(u);
            b.append(" · $").append(String.format(Locale.ROOT, "%.4f", meter.estimate()));
        }
        return b.toString();
    }
}
