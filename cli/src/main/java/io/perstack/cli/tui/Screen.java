package io.perstack.cli.tui;

import io.perstack.cli.tui.History.CheckpointRow;
import io.perstack.cli.tui.History.JobRow;
import java.util.List;

/** What the terminal UI shows between runs. Immutable; {@link StartModel} moves from one to the next. */
public sealed interface Screen {

    record Experts(List<String> keys, int cursor) implements Screen {
        public Experts {
            keys = List.copyOf(keys);
        }
    }

    /** Typing an Expert key that is not in the list. */
    record TypeExpert(String text) implements Screen {}

    record Jobs(List<JobRow> rows, int cursor) implements Screen {
        public Jobs {
            rows = List.copyOf(rows);
        }
    }

    record Checkpoints(JobRow job, List<CheckpointRow> rows, int cursor) implements Screen {
        public Checkpoints {
            rows = List.copyOf(rows);
        }
    }

    /**
     * One line of input for {@code expertKey}: a query, an answer or a follow-up. {@code afterRun} when it follows a
     * run on the same screen (the run's output stays visible above it).
     */
    record Query(String expertKey, Resume resume, String label, String text, boolean afterRun) implements Screen {}
}
