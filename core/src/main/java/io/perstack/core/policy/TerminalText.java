package io.perstack.core.policy;

/**
 * Makes untrusted text (model output, tool results, stored events, names from a configuration) safe to write to a
 * terminal (SECURITY.md SR-40). Which characters are unsafe is decided here and nowhere else: {@link #isControl} and
 * {@link #isInvisibleFormatting} are used by the text stripper below, by the visible escaping of error messages and
 * by the product's JSON writer ({@code core.json.Json}), so the three can never disagree.
 *
 * <p>{@link #strip} is for text views: escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-character ESC sequences,
 * in their 7-bit and 8-bit forms) are removed whole, so their parameters do not leak out as visible text; remaining
 * controls and invisible formatting characters are removed, so text cannot be displayed in an order other than the
 * one it is stored in, nor hide characters between the visible ones. {@link #visible} is for messages whose exact
 * text matters (errors that quote a value the user wrote): nothing is removed, and every unsafe character is shown as
 * a backslash, {@code u} and four lower-case hex digits, the way JSON writes it.
 */
public final class TerminalText {
    private static final int ESC = 0x1B;
    private static final int BEL = 0x07;
    /** 8-bit String Terminator. */
    private static final int ST = 0x9C;
    /** The high surrogate of every tag character (U+E0000–U+E03FF): the fast path must look closer at it. */
    private static final int TAG_HIGH_SURROGATE = 0xDB40;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TerminalText() {}

    /**
     * C0 controls other than newline and tab, DEL and the C1 controls: a terminal acts on them (moves the cursor,
     * starts an escape sequence, rings the bell) instead of showing them.
     */
    public static boolean isControl(int c) {
        return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F);
    }

    /**
     * Characters that are not controls but still change what a reader sees without being seen themselves:
     * bidirectional marks, embeddings, overrides and isolates (they reorder the text around them, "Trojan Source"),
     * zero-width spaces and joiners, invisible operators, the byte order mark, the soft hyphen, the Mongolian vowel
     * separator, interlinear annotation controls, line and paragraph separators (line breaks to some parsers and
     * terminals, invisible to others) and the tag characters (invisible text that models read).
     */
    public static boolean isInvisibleFormatting(int c) {
        if (c < 0xAD) {
            return false; // ASCII and Latin-1 before the soft hyphen: by far the most common case
        }
        return c == 0xAD // soft hyphen
                || c == 0x061C // Arabic letter mark
                || c == 0x180E // Mongolian vowel separator
                || (c >= 0x200B && c <= 0x200F) // zero-width space, non-joiner, joiner; LRM, RLM
                || (c >= 0x2028 && c <= 0x202E) // line and paragraph separators; LRE, RLE, PDF, LRO, RLO
                || (c >= 0x2060 && c <= 0x206F) // word joiner, invisible operators; LRI, RLI, FSI, PDI; deprecated
                || c == 0xFEFF // zero-width no-break space (byte order mark)
                || (c >= 0xFFF9 && c <= 0xFFFB) // interlinear annotation anchor, separator, terminator
                || c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F); // language tag and tag characters
    }

    /** Whether {@code c} must not reach a terminal as it is: a control or an invisible formatting character. */
    public static boolean isUnsafe(int c) {
        return isControl(c) || isInvisibleFormatting(c);
    }

    /** The text without control sequences and invisible formatting characters; newlines and tabs are kept. */
    public static String strip(String text) {
        if (text == null) {
            return "";
        }
        if (isPlain(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (c == ESC) {
                i = skipEscape(text, next);
            } else if (c == 0x9B) {
                i = skipCsi(text, next);
            } else if (c == 0x9D || c == 0x90 || c == 0x98 || c == 0x9E || c == 0x9F) {
                i = skipString(text, next);
            } else {
                if (!isUnsafe(c)) {
                    out.appendCodePoint(c);
                }
                i = next;
            }
        }
        return out.toString();
    }

    /**
     * The text stripped and folded onto one line: line breaks and tabs become spaces, so a value cannot start a new
     * line that imitates the surrounding output.
     */
    public static String oneLine(String text) {
        String stripped = strip(text);
        if (stripped.indexOf('\n') < 0 && stripped.indexOf('\t') < 0) {
            return stripped;
        }
        return stripped.replace('\n', ' ').replace('\t', ' ');
    }

    /**
     * The text with every unsafe character written out as a backslash, {@code u} and four hex digits (both halves
     * of a surrogate pair for a tag character), and everything else, newlines and tabs included, as it is. For error
     * messages: a user who put an escape sequence into a name sees exactly what is there, and the terminal never
     * receives it. {@code null} becomes {@code "null"}, as printing it would.
     */
    public static String visible(String text) {
        if (text == null) {
            return "null";
        }
        if (isPlain(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (isUnsafe(c)) {
                for (int j = i; j < next; j++) {
                    char unit = text.charAt(j);
                    out.append('\\').append('u').append(HEX[unit >> 12 & 0xF]).append(HEX[unit >> 8 & 0xF])
                            .append(HEX[unit >> 4 & 0xF]).append(HEX[unit & 0xF]);
                }
            } else {
                out.appendCodePoint(c);
            }
            i = next;
        }
        return out.toString();
    }

    /** Fast path: nothing to remove or escape in the common case. */
    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isUnsafe(c) || c == TAG_HIGH_SURROGATE) {
                return false;
            }
        }
        return true;
    }

    /** After ESC: returns the index after the whole sequence (or after ESC alone when nothing follows). */
    private static int skipEscape(String text, int i) {
        if (i >= text.length()) {
            return i;
        }
        char c = text.charAt(i);
        return switch (c) {
            case '[' -> skipCsi(text, i + 1);
            case ']', 'P', 'X', '^', '_' -> skipString(text, i + 1);
            default -> {
                // nF sequences: intermediates 0x20–0x2F, then one final byte (e.g. ESC ( B).
                int j = i;
                while (j < text.length() && text.charAt(j) >= 0x20 && text.charAt(j) <= 0x2F) {
                    j++;
                }
                if (j < text.length() && text.charAt(j) >= 0x30 && text.charAt(j) <= 0x7E) {
                    yield j + 1;
                }
                // ESC followed by something that is not a sequence: drop the ESC (and intermediates) only.
                yield j;
            }
        };
    }

    /** CSI: parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E. */
    private static int skipCsi(String text, int i) {
        int j = i;
        while (j < text.length()) {
            char c = text.charAt(j);
            if (c >= 0x40 && c <= 0x7E) {
                return j + 1;
            }
            if (c < 0x20 || c > 0x3F) {
                // Not part of a well-formed sequence: end it here and let the caller look at this character.
                return j;
            }
            j++;
        }
        return j;
    }

    /** OSC, DCS, SOS, PM, APC: everything up to BEL, ESC \ or the 8-bit ST is the sequence's payload. */
    private static int skipString(String text, int i) {
        int j = i;
        while (j < text.length()) {
            char c = text.charAt(j);
            if (c == BEL || c == ST) {
                return j + 1;
            }
            if (c == ESC) {
                // ESC \ ends the string; any other ESC ends it too and starts a sequence of its own.
                return j + 1 < text.length() && text.charAt(j + 1) == '\\' ? j + 2 : j;
            }
            j++;
        }
        return j;
    }
}
