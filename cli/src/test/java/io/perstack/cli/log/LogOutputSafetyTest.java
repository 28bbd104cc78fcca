package io.perstack.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
import io.perstack.core.model.Usage;
import io.perstack.core.policy.TerminalText;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SR-40 for {@code perstack log}: a history whose text holds bidi overrides, zero-width and other invisible
 * characters reaches the terminal escaped in the JSON views (and parses back to the stored text) and stripped in the
 * text view. In process, on the formatters the command uses.
 */
class LogOutputSafetyTest {
    /** Every character of the invisible and bidi set, around text a reader should see in its stored order. */
    private static final String HOSTILE = "Done \u202eexe.txt\u202c \u202a\u202b\u202d\u2066\u2067\u2068\u2069"
            + "\u200e\u200f\u061c pay\u200b\u200c\u200dpal \u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
            + "\ufff9\ufffa\ufffb\u0085\u009b\u2028\u2029end \u001b[31mRED\u001b[0m";
    private static final String ORDINARY = "café 日本語 👋";

    private static LogView view(String text, String jobExpert) {
        JsonNode complete = Json.mapper().valueToTree(Map.of("type", "completeRun", "id", "e1",
                "expertKey", jobExpert, "timestamp", 1L, "jobId", "j", "runId", "r", "stepNumber", 4,
                "text", text));
        Job job = new Job("j", JobStatus.COMPLETED, jobExpert, 4, null, Usage.ZERO, 0L, 1L, null);
        return new LogView(job, null, List.of(), List.of(), List.of(complete), 1, 1,
                new EventSummary(1, 0, 0, 0, 4, 4), false, "/storage");
    }

    @Test
    void logJsonEscapesBidiOverrides() {
        for (boolean pretty : new boolean[] {false, true}) {
            String out = JsonFormat.render(view(HOSTILE, "expert\u202e"), pretty);

            assertThat(out).doesNotContain("\u202e", "\u2066", "\u200e", "\u061c");
            assertThat(out).contains("Done \\u202eexe.txt\\u202c", "\"expert\\u202e\"");
            assertThat(out.codePoints()).noneMatch(TerminalText::isUnsafe);
            // Still valid JSON that reads back as exactly what was stored.
            JsonNode back = Json.tree(out);
            assertThat(back.path("events").get(0).path("text").asText()).isEqualTo(HOSTILE);
            assertThat(back.path("job").path("coordinatorExpertKey").asText()).isEqualTo("expert\u202e");
        }
    }

    @Test
    void logJsonEscapesZeroWidthAndOtherInvisibleCharacters() {
        String out = JsonFormat.render(view(HOSTILE, "e"), true);

        assertThat(out).doesNotContain("\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\ufffb",
                "\u0085", "\u2028");
        assertThat(out).contains("pay\\u200b\\u200c\\u200dpal", "\\ufeff\\u00ad\\u180e", "\\u2028\\u2029end");
    }

    @Test
    void logJsonKeepsOrdinaryNonAsciiTextAsItIs() {
        String out = JsonFormat.render(view(ORDINARY, "e"), false);

        assertThat(out).contains(ORDINARY);
        assertThat(Json.tree(out).path("events").get(0).path("text").asText()).isEqualTo(ORDINARY);
    }

    @Test
    void logTextStripsBidiOverridesAndInvisibleCharacters() {
        String out = TerminalFormat.render(view(HOSTILE, "expert\u202e"), false, false, false);

        assertThat(out.codePoints()).noneMatch(TerminalText::isUnsafe);
        assertThat(out).contains("Result: Done exe.txt  paypal end RED", "Expert: expert\n");
    }

    @Test
    void logTextKeepsOrdinaryNonAsciiTextAsItIs() {
        String out = TerminalFormat.render(view(ORDINARY, "e"), false, false, false);

        assertThat(out).contains("Result: " + ORDINARY);
    }
}
