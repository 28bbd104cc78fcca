package io.perstack.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SR-40: a corpus of escape sequences, controls and invisible formatting characters, each removed whole from text
 * bound for a terminal, shown escaped in error messages and escaped in JSON; ordinary text in any script untouched.
 */
class TerminalTextTest {

    /** Bidirectional marks, embeddings, overrides and isolates: each can reorder what the reader sees. */
    private static final int[] BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
            0x200E, 0x200F, 0x061C};

    /** Zero-width and other invisible formatting characters, line and paragraph separators. */
    private static final int[] INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF,
            0x00AD, 0x180E, 0xFFF9, 0xFFFA, 0xFFFB, 0x2028, 0x2029};

    /** Text a user must see exactly as it was written, in every mode. */
    private static final List<String> ORDINARY = List.of("café é", "日本語のテキスト", "emoji 👋 😀 ❤️ 👍🏽",
            "e\u0301 combining accent", "Grüße, Ελληνικά, русский", "עברית and العربية letters",
            "no-break\u00a0space", "line 1\n\tline 2", "");

    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("colour (CSI SGR)", "a\u001b[31mred\u001b[0mb", "aredb"),
                Arguments.of("cursor movement", "x\u001b[2J\u001b[1;1Hy", "xy"),
                Arguments.of("private mode CSI", "x\u001b[?1049hy", "xy"),
                Arguments.of("8-bit CSI", "x\u009b31my", "xy"),
                Arguments.of("OSC title ended by BEL", "x\u001b]0;pwned\u0007y", "xy"),
                Arguments.of("OSC hyperlink ended by ST", "\u001b]8;;https://evil.test\u001b\\link\u001b]8;;\u001b\\",
                        "link"),
                Arguments.of("OSC 52 clipboard write", "x\u001b]52;c;cm0gLXJmIC8=\u0007y", "xy"),
                Arguments.of("8-bit OSC ended by 8-bit ST", "x\u009d0;t\u009cy", "xy"),
                Arguments.of("DCS", "x\u001bPq#0;2;0;0;0\u001b\\y", "xy"),
                Arguments.of("APC, PM and SOS", "a\u001b_g\u001b\\b\u001b^p\u001b\\c\u001bXs\u001b\\d", "abcd"),
                Arguments.of("charset designation", "x\u001b(0y", "xy"),
                Arguments.of("two-character ESC", "x\u001bcy\u001b7z", "xyz"),
                Arguments.of("unterminated OSC eats to the end", "x\u001b]0;never ends", "x"),
                Arguments.of("lone ESC at the end", "x\u001b", "x"),
                Arguments.of("CSI cut by a newline keeps the newline", "x\u001b[3\ny", "x\ny"),
                Arguments.of("carriage return and backspace", "safe\rfake\b\b", "safefake"),
                Arguments.of("NUL, BEL, DEL and C1", "a\u0000b\u0007c\u007fd\u0085e", "abcde"),
                Arguments.of("bidi overrides and isolates", "a\u202ecba\u202c\u2066x\u2069", "acbax"),
                Arguments.of("Trojan Source comment", "access\u202e \u2066// admin\u2069 \u2066", "access // admin "),
                Arguments.of("bidi marks", "a\u200eb\u200fc\u061cd", "abcd"),
                Arguments.of("zero-width characters", "pay\u200bpal\u200c.\u200dcom\u2060", "paypal.com"),
                Arguments.of("byte order mark and soft hyphen", "\ufeffad\u00admin", "admin"),
                Arguments.of("line and paragraph separators", "one\u2028two\u2029", "onetwo"),
                Arguments.of("interlinear annotation", "a\ufff9b\ufffac\ufffb", "abc"),
                Arguments.of("tag characters (ASCII smuggling)", "ok\udb40\udc01\udb40\udc69\udb40\udc67\udb40\udc7f",
                        "ok"),
                Arguments.of("newline and tab stay", "line 1\n\tline 2", "line 1\n\tline 2"),
                Arguments.of("non-ASCII text stays", "Grüße 👋 日本", "Grüße 👋 日本"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void stripRemovesEverySequenceAndInvisibleCharacterWhole(String name, String input, String expected) {
        String out = TerminalText.strip(input);
        assertThat(out).isEqualTo(expected);
        assertThat(out.codePoints()).noneMatch(TerminalText::isUnsafe);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void visibleKeepsEveryCharacterButShowsTheUnsafeOnesEscaped(String name, String input, String expected) {
        String out = TerminalText.visible(input);
        assertThat(out.codePoints()).noneMatch(TerminalText::isUnsafe);
        // Nothing is lost: reading the escapes back gives the input.
        assertThat(unescape(out)).isEqualTo(input);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void jsonEscapesEveryUnsafeCharacterAndParsesBackToTheSameString(String name, String input, String expected) {
        for (String json : List.of(Json.write(Map.of("t", input)), Json.writePretty(Map.of("t", input)))) {
            assertThat(json.codePoints()).as(json).noneMatch(c -> TerminalText.isUnsafe(c) && c < 0x10000);
            assertThat(Json.tree(json).get("t").asText()).isEqualTo(input);
        }
    }

    @Test
    void everyBidiControlIsInvisibleFormattingAndIsStrippedEscapedAndJsonEscaped() {
        for (int c : BIDI) {
            assertUnsafeEverywhere(c);
            assertThat(TerminalText.isInvisibleFormatting(c)).as("U+%04X", c).isTrue();
        }
    }

    @Test
    void everyZeroWidthAndInvisibleCharacterIsStrippedEscapedAndJsonEscaped() {
        for (int c : INVISIBLE) {
            assertUnsafeEverywhere(c);
            assertThat(TerminalText.isInvisibleFormatting(c)).as("U+%04X", c).isTrue();
        }
    }

    @Test
    void everyC0AndC1ControlButNewlineAndTabIsStrippedEscapedAndJsonEscaped() {
        List<Integer> controls = new ArrayList<>();
        IntStream.rangeClosed(0x00, 0x1F).filter(c -> c != '\n' && c != '\t').forEach(controls::add);
        IntStream.rangeClosed(0x7F, 0x9F).forEach(controls::add);
        for (int c : controls) {
            assertThat(TerminalText.isControl(c)).as("U+%04X", c).isTrue();
            assertUnsafeEverywhere(c);
        }
        assertThat(TerminalText.isUnsafe('\n')).isFalse();
        assertThat(TerminalText.isUnsafe('\t')).isFalse();
    }

    @Test
    void ordinaryNonAsciiTextPassesThroughUnchangedInEveryMode() {
        for (String text : ORDINARY) {
            assertThat(text.codePoints()).as(text).noneMatch(TerminalText::isUnsafe);
            assertThat(TerminalText.strip(text)).isEqualTo(text);
            assertThat(TerminalText.visible(text)).isEqualTo(text);
            String json = Json.write(Map.of("t", text));
            // Written as UTF-8 text, not as escapes, and read back identically.
            assertThat(json).contains(text.replace("\n", "\\n").replace("\t", "\\t"));
            assertThat(Json.tree(json).get("t").asText()).isEqualTo(text);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0xE0001, 0xE0020, 0xE0041, 0xE007F})
    void tagCharactersAreStrippedAndEscapedInTextAndRoundTripInJson(int tag) {
        String text = "a" + Character.toString(tag) + "b";
        assertThat(TerminalText.isInvisibleFormatting(tag)).isTrue();
        assertThat(TerminalText.strip(text)).isEqualTo("ab");
        assertThat(TerminalText.visible(text)).isEqualTo("a\\u%04x\\u%04xb".formatted(
                (int) Character.highSurrogate(tag), (int) Character.lowSurrogate(tag)));
        // Jackson escapes one UTF-16 unit at a time, so these stay raw in JSON (SECURITY.md, known limits).
        assertThat(Json.tree(Json.write(Map.of("t", text))).get("t").asText()).isEqualTo(text);
    }

    @Test
    void visibleShowsAnEscapeSequenceInsteadOfRunningIt() {
        assertThat(TerminalText.visible("skill \u001b[31mred\u202e\u009b"))
                .isEqualTo("skill \\u001b[31mred\\u202e\\u009b");
        assertThat(TerminalText.visible("Validation failed:\n\t- x")).isEqualTo("Validation failed:\n\t- x");
        assertThat(TerminalText.visible(null)).isEqualTo("null");
    }

    @Test
    void oneLineFoldsLineBreaksAndTabsIntoSpaces() {
        assertThat(TerminalText.oneLine("first\nsecond\tthird\r\n\u001b[1mfourth"))
                .isEqualTo("first second third fourth");
    }

    @Test
    void nullBecomesEmpty() {
        assertThat(TerminalText.strip(null)).isEmpty();
    }

    private static void assertUnsafeEverywhere(int c) {
        // "é" cannot continue an escape sequence, so ESC and CSI take nothing with them; DCS, SOS, OSC, PM and APC
        // start a string that runs to its terminator, here the end.
        String text = "a" + Character.toString(c) + "éb";
        boolean startsString = c == 0x90 || c == 0x98 || c == 0x9D || c == 0x9E || c == 0x9F;
        assertThat(TerminalText.isUnsafe(c)).as("U+%04X", c).isTrue();
        assertThat(TerminalText.strip(text)).as("strip U+%04X", c).isEqualTo(startsString ? "a" : "aéb");
        assertThat(TerminalText.visible(text)).as("visible U+%04X", c).isEqualTo("a\\u%04xéb".formatted(c));
        for (String json : List.of(Json.write(Map.of("t", text)), Json.writePretty(Map.of("t", text)),
                new String(Json.writeBytes(Map.of("t", text)), StandardCharsets.UTF_8))) {
            assertThat(json.indexOf(c)).as("raw U+%04X in %s", c, json).isEqualTo(-1);
            if (c >= 0x7F) {
                // (Below it Jackson may use the short forms \b, \f and \r, which are just as safe.)
                assertThat(json).contains("\\u%04x".formatted(c));
            }
            assertThat(Json.tree(json).get("t").asText()).isEqualTo(text);
        }
    }

    /** Reads back the escapes {@link TerminalText#visible} writes. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 5 < text.length() && text.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
