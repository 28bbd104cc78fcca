package io.perstack.core.policy;

/**
 * Makes untrusted text (model output, tool results, stored events) safe to write to a terminal (security.md SR-40):
 * escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-character ESC sequences, in their 7-bit and 8-bit forms) are
 * removed whole, so their parameters do not leak out as visible text; remaining C0 and C1 controls and DEL are
 * removed, except newline and tab; bidirectional embeddings, overrides and isolates are removed so text cannot be
 * displayed in an order other than the one it is stored in.
 */
public final class TerminalText {
    private static final int ESC = 0x1B;
    private static final int BEL = 0x07;
    /** 8-bit String Terminator. */
    private static final int ST = 0x9C;

    private TerminalText() {}

    /** The text without control sequences; newlines and tabs are kept. */
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
                if (!isControl(c) && !isBidiControl(c)) {
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

    /** Fast path: nothing to remove in the common case. */
    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F) || isBidiControl(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isControl(int c) {
        return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F);
    }

    /** LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI. */
    private static boolean isBidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
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
