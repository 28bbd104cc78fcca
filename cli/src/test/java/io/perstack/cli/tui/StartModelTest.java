package io.perstack.cli.tui;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.cli.tui.History.CheckpointRow;
import io.perstack.cli.tui.History.JobRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The selection phase of perstack start: keys in, screens and actions out. */
class StartModelTest {
    private static final JobRow JOB = new JobRow("job1", "writer", 3, 0);
    private static final History EMPTY = history(List.of(), List.of());
    private static final History ONE_JOB = history(List.of(JOB), List.of(
            new CheckpointRow("cp3", "writer", 3, false), new CheckpointRow("cp2", "writer", 2, true)));

    @Test
    void withoutJobsTheExpertsOfTheConfigComeFirstThenRecentlyUsedOnes() {
        StartModel m = StartModel.opening(List.of("a", "b"), EMPTY, null);
        assertThat(lines(m)).contains("Select an Expert", "› a", "  b");

        StartModel withHistory = StartModel.opening(List.of("a"), ONE_JOB, null);
        assertThat(withHistory.experts()).containsExactly("a", "writer");
        assertThat(lines(withHistory)).contains("Job history", "› writer - 3 steps (job1) (1970-01-01 00:00:00)");
    }

    @Test
    void arrowsMoveEnterAsksForTheQueryAndEnterRunsIt() {
        StartModel m = StartModel.opening(List.of("a", "b"), EMPTY, null);
        m = press(m, Key.of(Key.Kind.DOWN), Key.of(Key.Kind.DOWN), Key.of(Key.Kind.UP), Key.of(Key.Kind.DOWN));
        assertThat(lines(m)).contains("  a", "› b");
        m = press(m, Key.of(Key.Kind.ENTER));
        assertThat(lines(m)).contains("Expert: b", "Query: █");

        StartModel.Transition empty = m.on(Key.of(Key.Kind.ENTER), EMPTY);
        assertThat(empty.action()).isInstanceOf(Action.Redraw.class);
        assertThat(empty.model().notice()).isEqualTo("Query is required");

        m = press(m, typed("  hi x"), Key.of(Key.Kind.BACKSPACE), Key.of(Key.Kind.BACKSPACE));
        assertThat(m.on(Key.of(Key.Kind.ENTER), EMPTY).action())
                .isEqualTo(new Action.Run("b", "hi", Resume.NEW));
    }

    @Test
    void iTypesAnExpertKeyThatIsNotListed() {
        StartModel m = press(StartModel.opening(List.of("a"), EMPTY, null), Key.typed('i'));
        assertThat(lines(m)).contains("Type an Expert key", "Expert: █");
        m = press(m, typed("@acme/x"), Key.of(Key.Kind.ENTER));
        assertThat(m.screen()).isEqualTo(new Screen.Query("@acme/x", Resume.NEW, "Query", "", false));
    }

    @Test
    void enterOnAJobContinuesItsLatestCheckpointAndOnAWaitingCheckpointAsksForTheAnswer() {
        StartModel jobs = StartModel.opening(List.of(), ONE_JOB, null);
        StartModel latest = press(jobs, Key.of(Key.Kind.ENTER));
        assertThat(latest.screen()).isEqualTo(new Screen.Query("writer", new Resume("job1", null, false), "Query",
                "", false));

        StartModel checkpoints = press(jobs, Key.typed('c'));
        assertThat(lines(checkpoints)).contains("› Step 3 (cp3)", "  Step 2 (cp2) · waiting for an answer");
        StartModel branch = press(press(checkpoints, Key.of(Key.Kind.DOWN), Key.of(Key.Kind.ENTER)), typed("yes"));
        assertThat(branch.on(Key.of(Key.Kind.ENTER), ONE_JOB).action())
                .isEqualTo(new Action.Run("writer", "yes", new Resume("job1", "cp2", true)));
        assertThat(lines(press(checkpoints, Key.typed('b')))).contains("Job history");
    }

    @Test
    void afterARunTheContinuePromptContinuesTheSameJobAndIdleTimeQuits() {
        StartModel m = StartModel.opening(List.of("a"), EMPTY, null);
        StartModel cont = m.afterRun("a", "job9", new Outcome.Completed());
        assertThat(StartScreen.prompt((Screen.Query) cont.screen()).text()).isEqualTo("Continue: █");
        assertThat(press(cont, typed("more")).on(Key.of(Key.Kind.ENTER), EMPTY).action())
                .isEqualTo(new Action.Run("a", "more", new Resume("job9", null, false)));
        assertThat(cont.on(Key.of(Key.Kind.TIMEOUT), EMPTY).action()).isEqualTo(new Action.Quit(0));

        StartModel answer = m.afterRun("a", "job9", new Outcome.WaitingForAnswer("askUser", "q"));
        assertThat(press(answer, typed("ok")).on(Key.of(Key.Kind.ENTER), EMPTY).action())
                .isEqualTo(new Action.Run("a", "ok", new Resume("job9", null, true)));
    }

    @Test
    void qQuitsAndCtrlCQuitsWith130() {
        StartModel m = StartModel.opening(List.of("a"), EMPTY, null);
        assertThat(m.on(Key.typed('q'), EMPTY).action()).isEqualTo(new Action.Quit(0));
        assertThat(m.on(Key.of(Key.Kind.INTERRUPT), EMPTY).action()).isEqualTo(new Action.Quit(130));
    }

    @Test
    void storedExpertKeysAreShownWithoutTerminalControls() {
        History hostile = history(List.of(new JobRow("j", "evil\u001b]0;x\u0007key", 1, 0)), List.of());
        assertThat(String.join("\n", lines(StartModel.opening(List.of(), hostile, null))))
                .contains("evilkey - 1 steps").doesNotContain("\u001b", "\u0007");
    }

    @Test
    void keyReaderDecodesArrowsInBothModesEnterBackspaceAndALoneEscape() {
        String bytes = "\u001b[A\u001bOB\r\u007fx\u001b\u001b[1;5C\u0003";
        int[] at = {0};
        KeyReader keys = new KeyReader(timeout -> at[0] < bytes.length() ? bytes.charAt(at[0]++) : -2);
        assertThat(List.of(keys.next(0), keys.next(0), keys.next(0), keys.next(0), keys.next(0), keys.next(0),
                keys.next(0), keys.next(0))).extracting(Key::kind).containsExactly(Key.Kind.UP, Key.Kind.DOWN,
                Key.Kind.ENTER, Key.Kind.BACKSPACE, Key.Kind.CHAR, Key.Kind.ESCAPE, Key.Kind.INTERRUPT,
                Key.Kind.TIMEOUT);
    }

    private static StartModel press(StartModel m, Key... keys) {
        for (Key k : keys) {
            m = m.on(k, ONE_JOB).model();
        }
        return m;
    }

    private static Key[] typed(String text) {
        return text.chars().mapToObj(Key::typed).toArray(Key[]::new);
    }

    private static StartModel press(StartModel m, Key[] typed, Key... more) {
        m = press(m, typed);
        return press(m, more);
    }

    private static List<String> lines(StartModel m) {
        return StartScreen.render(m).stream().map(StyledLine::text).toList();
    }

    private static History history(List<JobRow> jobs, List<CheckpointRow> checkpoints) {
        return new History() {
            @Override
            public List<JobRow> jobs() {
                return jobs;
            }

            @Override
            public List<CheckpointRow> checkpoints(String jobId) {
                return checkpoints;
            }
        };
    }
}
