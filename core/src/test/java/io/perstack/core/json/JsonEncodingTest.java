package io.perstack.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.policy.TerminalText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonEncodingTest {

    /** Every character that docs/events.md §6 requires to be escaped. */
    private static List<Character> mustEscape() {
        List<Character> out = new ArrayList<>();
        for (char c = 0x00; c <= 0x1f; c++) {
            out.add(c);
        }
        for (char c = 0x7f; c <= 0x9f; c++) {
            out.add(c);
        }
        out.add('\u2028');
        out.add('\u2029');
        return out;
    }

    private static String allControls() {
        StringBuilder sb = new StringBuilder("a");
        mustEscape().forEach(sb::append);
        return sb.append('z').toString();
    }

    private static void assertNoRawControl(String json) {
        for (char c : mustEscape()) {
            assertThat(json.indexOf(c)).as("raw U+%04X in output", (int) c).isEqualTo(-1);
        }
    }

    @Test
    void controlCharactersAndLineSeparatorsAreEscapedInCompactOutput() {
        String text = allControls();
        String json = Json.write(new TextPart("p", text));
        assertNoRawControl(json);
        assertThat(json.toLowerCase()).contains("\\u0000", "\\u001f", "\\u007f", "\\u0080", "\\u009f",
                "\\u2028", "\\u2029", "\\n", "\\t");
        assertThat(Json.read(json, TextPart.class).text()).isEqualTo(text);
    }

    @Test
    void controlCharactersAreEscapedInUtf8BytesAndPrettyOutput() {
        String text = allControls();
        String fromBytes = new String(Json.writeBytes(Map.of("t", text)), StandardCharsets.UTF_8);
        String pretty = Json.writePretty(Map.of("t", text));
        assertNoRawControl(fromBytes);
        assertNoRawControl(pretty.replace("\n", ""));
        assertThat(Json.tree(fromBytes).get("t").asText()).isEqualTo(text);
        assertThat(Json.tree(pretty).get("t").asText()).isEqualTo(text);
    }

    @Test
    void keysAreEscapedToo() {
        String json = Json.write(Map.of("k\u2028\u0085", 1));
        assertNoRawControl(json);
        assertThat(Json.tree(json).has("k\u2028\u0085")).isTrue();
    }

    @Test
    void anEventWithHostileTextStaysOnOneLine() {
        Event event = new Event("e", null, 1L, "j", "r", null,
                new EventPayload.SkillStderr("s", "line1\nline2\r\u2028\u0085\u001b[31m"));
        String line = Json.write(event);
        assertNoRawControl(line);
        assertThat(line.lines()).hasSize(1);
        assertThat(((EventPayload.SkillStderr) Json.read(line, Event.class).payload()).message())
                .isEqualTo("line1\nline2\r\u2028\u0085\u001b[31m");
    }

    @Test
    void eventStreamEscapesBidiOverridesAndInvisibleCharactersWithAndWithoutTheMessageCache() throws Exception {
        // The writer JsonLinesWriter uses for stdout, and the plain one used for storage: both must escape, and
        // byte for byte alike, or a cached message would differ from a fresh one.
        String hostile = "Done \u202eevil\u2066x\u2069 pay\u200bpal \ufeff\u00ad\u180e\u2060\ufff9\u061c\u200f";
        Message message = new Message.UserMessage("m", List.of(new TextPart("t", hostile)), null);
        Event event = new Event("e", "expert", 1L, "j", "r", 1,
                new EventPayload.StartGeneration(List.of(message)));
        MessageJsonCache cache = new MessageJsonCache(8);
        byte[] cached = cache.writer().writeValueAsBytes(event);
        byte[] again = cache.writer().writeValueAsBytes(event);
        byte[] plain = Json.writeBytes(event);
        assertThat(cached).isEqualTo(plain).isEqualTo(again);
        String line = new String(cached, StandardCharsets.UTF_8);
        assertThat(line.chars()).noneMatch(TerminalText::isUnsafe);
        assertThat(line).contains("Done \\u202eevil\\u2066x\\u2069 pay\\u200bpal");
        Message back = ((EventPayload.StartGeneration) Json.read(line, Event.class).payload()).messages().get(0);
        assertThat(back).isEqualTo(message);
    }

    @Test
    void otherNonAsciiTextIsWrittenAsUtf8NotEscaped() {
        String text = "héllo 日本 😀 \u00a0";
        String json = Json.write(new TextPart("p", text));
        assertThat(json).contains(text);
        byte[] bytes = Json.writeBytes(new TextPart("p", text));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains(text);
    }

    @Test
    void nullFieldsAreOmitted() {
        assertThat(Json.write(new io.perstack.core.model.MessagePart.ThinkingPart("p", "t", null)))
                .isEqualTo("{\"type\":\"thinkingPart\",\"id\":\"p\",\"thinking\":\"t\"}");
    }

    @Test
    void unknownFieldsAreIgnoredOnRead() {
        TextPart part = Json.read("{\"type\":\"textPart\",\"id\":\"p\",\"text\":\"t\",\"x\":{\"y\":[1]}}",
                TextPart.class);
        assertThat(part).isEqualTo(new TextPart("p", "t"));
    }

    @Test
    void compactOutputHasNoWhitespaceOrNewline() {
        String json = Json.write(Map.of("a", List.of(1, 2)));
        assertThat(json).isEqualTo("{\"a\":[1,2]}");
    }

    @Test
    void prettyOutputMatchesTwoSpaceJsonStringify() {
        String pretty = Json.writePretty(new java.util.TreeMap<>(Map.of("a", List.of(1), "b", Map.of(),
                "c", List.of())));
        assertThat(pretty).isEqualTo("{\n  \"a\": [\n    1\n  ],\n  \"b\": {},\n  \"c\": []\n}");
    }

    @Test
    void theStartUpWarmUpSampleStillMatchesTheModel() {
        // The CLI runs this on a spare thread and ignores failures there, so a sample that drifted from the model
        // would silently stop warming anything up.
        org.assertj.core.api.Assertions.assertThatCode(Json::warmUp).doesNotThrowAnyException();
    }
}
