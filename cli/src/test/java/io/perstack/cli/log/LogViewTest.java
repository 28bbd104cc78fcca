package io.perstack.cli.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.json.Json;
import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import io.perstack.runtime.storage.FileStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code perstack log} selects and how its text view lays it out; in process, on the classes the command uses. */
class LogViewTest {
    private static final Job JOB = new Job("j", JobStatus.COMPLETED, "e", 5, null, Usage.ZERO, 0L, 1L, null);
    private static final EventQuery ALL_DEFAULT_PAGE = new EventQuery(null, null, false, false, false, null, 100, 0, 0);

    private static Event event(String runId, int step, long time, EventPayload payload) {
        return new Event("ev" + time, "e", time, "j", runId, step, payload);
    }

    private static Event toolResults(String runId, int step, long time, String text) {
        return event(runId, step, time, new EventPayload.ResolveToolResults(List.of(new ToolResult("t" + time,
                "@perstack/base", "readTextFile", List.of(new MessagePart.TextPart("p" + time, text))))));
    }

    private static LogView view(List<Event> events, EventQuery query) {
        EventQuery.Selection s = query.select(events);
        List<JsonNode> shown = s.shown().stream().map(e -> (JsonNode) Json.mapper().valueToTree(e)).toList();
        return new LogView(JOB, null, List.of(), List.of(), shown, s.matched(), s.matchedAfterPagination(),
                s.summary(), false, "/storage");
    }

    private static JsonNode withCheckpoint(Event e, String checkpointId) {
        com.fasterxml.jackson.databind.node.ObjectNode tree = Json.mapper().valueToTree(e);
        tree.putObject("checkpoint").put("id", checkpointId);
        return tree;
    }

    @Test
    void summaryCountsEveryMatchingEventNotOnlyThePage() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 155; i++) {
            events.add(i % 5 == 0 ? event("r", i + 1, i, new EventPayload.Retry("again", List.of(), null, null,
                    Usage.ZERO)) : toolResults("r", i + 1, i, "ok"));
        }

        LogView view = view(events, ALL_DEFAULT_PAGE);

        assertThat(view.events()).hasSize(100);
        assertThat(view.summary()).isEqualTo(new EventSummary(155, 31, 124, 0, 1, 155));
        assertThat(TerminalFormat.render(view, false, false, true)).contains("  Total Events: 155\n",
                "  Errors: 31\n", "  Tool Calls: 124\n", "  Step Range: 1 - 155\n",
                "(showing 100 of 155 matched events)");
        assertThat(Json.tree(JsonFormat.render(view, false)).path("summary").path("totalEvents").asInt())
                .isEqualTo(155);
    }

    @Test
    void longEventTypesStaySeparatedFromTheTimeAndColumnsStayAligned() {
        List<Event> events = List.of(
                event("r", 1, 1_000, new EventPayload.CompleteStreamingReasoning("thinking")),
                event("r", 1, 2_000, new EventPayload.FinishToolCall(List.of())));

        String out = TerminalFormat.render(view(events, ALL_DEFAULT_PAGE), false, false, false);

        Matcher m = Pattern.compile("(?m)^\\[Step 1] (\\S+)( +)\\d{2}:\\d{2}:\\d{2}$").matcher(out);
        List<Integer> timeColumns = new ArrayList<>();
        while (m.find()) {
            timeColumns.add(m.start(2) - m.start() + m.group(2).length());
        }
        assertThat(out).contains("completeStreamingReasoning 00:00:01");
        assertThat(timeColumns).hasSize(2).containsOnly(timeColumns.getFirst());
    }

    @Test
    void shortEventTypesKeepTheTwentyFourWideColumn() {
        String out = TerminalFormat.render(view(List.of(event("r", 1, 0, new EventPayload.FinishToolCall(List.of()))),
                ALL_DEFAULT_PAGE), false, false, false);

        assertThat(out).contains("[Step 1] finishToolCall          00:00:00");
    }

    @Test
    void textViewNamesEachRunAndCheckpointAndKeepsTwoBranchesStepsApart() {
        // The original run and a branch resumed from step 2 both have a step 3; their events interleave in time.
        List<Event> events = List.of(
                toolResults("original", 3, 1, "from the original"),
                toolResults("branch", 3, 2, "from the branch"),
                event("original", 3, 3, new EventPayload.FinishToolCall(List.of())),
                event("branch", 3, 4, new EventPayload.FinishToolCall(List.of())));
        EventQuery.Selection s = ALL_DEFAULT_PAGE.select(events);
        List<JsonNode> shown = new ArrayList<>();
        for (Event e : s.shown()) {
            shown.add(e.timestamp() == 3 ? withCheckpoint(e, "cporiginal3") : Json.mapper().valueToTree(e));
        }
        LogView view = new LogView(JOB, null, List.of(), List.of(), shown, 4, 4, s.summary(), false, "/s");

        String out = TerminalFormat.render(view, false, false, false);

        assertThat(out).containsOnlyOnce("Run: original (e)\n").containsOnlyOnce("Run: branch (e)\n")
                .contains("  Checkpoint: cporiginal3\n");
        int branch = out.indexOf("Run: branch");
        assertThat(out.indexOf("from the original")).isLessThan(branch);
        assertThat(out.indexOf("Checkpoint: cporiginal3")).isLessThan(branch);
        assertThat(out.indexOf("from the branch")).isGreaterThan(branch);
    }

    @Test
    void verboseShowsToolResultsInFull() {
        String longResult = "line one " + "x".repeat(200) + "\nline two \u001b[31mred\u001b[0m end";
        LogView view = view(List.of(toolResults("r", 1, 0, longResult)), ALL_DEFAULT_PAGE);

        String verbose = TerminalFormat.render(view, true, false, false);
        String brief = TerminalFormat.render(view, false, false, false);

        assertThat(verbose).contains("  ✓ readTextFile:\n    line one " + "x".repeat(200) + "\n    line two red end\n")
                .doesNotContain("\u001b");
        assertThat(brief).contains("  ✓ readTextFile: line one xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...")
                .doesNotContain("line two");
    }

    @Test
    void unknownJobIsAnErrorNamingTheStorageAndTheCloseMatches(@TempDir Path dir) {
        FileStorage storage = new FileStorage(dir);
        for (String id : List.of("logged", "logger2", "unrelated")) {
            storage.writeJob(new Job(id, JobStatus.COMPLETED, "e", 1, null, Usage.ZERO, 0L, 1L, null));
        }
        LogSource source = new LogSource(storage, dir.toString());

        assertThatThrownBy(() -> source.read("loged", null, null, ALL_DEFAULT_PAGE))
                .isInstanceOf(JobNotFound.class)
                .hasMessage("Job loged not found in " + dir + "\nDid you mean: logged?");
        assertThatThrownBy(() -> source.read("logge", null, null, ALL_DEFAULT_PAGE))
                .hasMessage("Job logge not found in " + dir + "\nDid you mean: logged, logger2?");
        assertThatThrownBy(() -> source.read("zzzzzzzzzzzz", null, null, ALL_DEFAULT_PAGE))
                .hasMessage("Job zzzzzzzzzzzz not found in " + dir);
    }
}
