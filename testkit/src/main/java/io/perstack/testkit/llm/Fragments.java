package io.perstack.testkit.llm;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits streamed content the way providers do: text into several small deltas, tool-call JSON into fragments cut at
 * arbitrary characters (mid-key, mid-string), so client parsers must really accumulate.
 */
final class Fragments {
    /** Text deltas carry at most this many characters, until a text would need more than {@link #MAX_PIECES}. */
    private static final int TEXT_PIECE = 4;
    private static final int MAX_PIECES = 64;
    private static final int JSON_PIECES = 3;

    private Fragments() {}

    static List<String> ofText(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        int size = Math.max(TEXT_PIECE, (text.length() + MAX_PIECES - 1) / MAX_PIECES);
        return cut(text, size);
    }

    static List<String> ofJson(String json) {
        if (json.length() < JSON_PIECES) {
            return List.of(json);
        }
        return cut(json, (json.length() + JSON_PIECES - 1) / JSON_PIECES);
    }

    private static List<String> cut(String s, int size) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < s.length()) {
            int end = Math.min(s.length(), start + size);
            // Never separate a surrogate pair: each delta must be valid UTF-16 on its own.
            if (end < s.length() && Character.isLowSurrogate(s.charAt(end))) {
                end++;
            }
            pieces.add(s.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
