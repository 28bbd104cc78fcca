package io.perstack.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SR-40: a corpus of escape sequences and controls, each removed whole from text bound for a terminal. */
class TerminalTextTest {

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
                Arguments.of("newline and tab stay", "line 1\n\tline 2", "line 1\n\tline 2"),
                Arguments.of("non-ASCII text stays", "Grüße 👋 日本", "Grüße 👋 日本"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void removesEverySequenceWhole(String name, String input, String expected) {
        String out = TerminalText.strip(input);
        assertThat(out).isEqualTo(expected);
        assertThat(out.chars()).noneMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f));
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
}
