package io.perstack.cli.tui;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.model.MessagePart;
import io.perstack.core.policy.TerminalText;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Short, terminal-safe forms of untrusted text (model output, tool arguments and results, stored values): every
 * method strips control sequences and invisible formatting with {@link TerminalText} before it shortens.
 */
final class Snippet {
    private Snippet() {}

    /** The text on one line, at most {@code max} characters, with an ellipsis when cut. */
    static String line(String text, int max) {
        return cut(TerminalText.oneLine(text).strip(), max);
    }

    /** The first {@code maxLines} non-blank lines of the text, each at most {@code maxWidth} characters. */
    static List<String> lines(String text, int maxLines, int maxWidth) {
        List<String> out = new ArrayList<>();
        String[] all = TerminalText.strip(text).replace('\t', ' ').split("\n");
        int shown = 0;
        for (String l : all) {
            if (l.isBlank()) {
                continue;
            }
            if (shown == maxLines) {
                out.add("…");
                break;
            }
            out.add(cut(l.stripTrailing(), maxWidth));
            shown++;
        }
        return out;
    }

    /** Tool arguments as {@code name: value, ...}, strings unquoted, nested values as compact JSON. */
    static String args(JsonNode args, int max) {
        if (args == null || !args.isObject() || args.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = args.fields();
        while (fields.hasNext() && b.length() <= max) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!b.isEmpty()) {
                b.append(", ");
            }
            JsonNode v = f.getValue();
            b.append(f.getKey()).append(": ").append(v.isTextual() ? v.asText() : v.toString());
        }
        return line(b.toString(), max);
    }

    /** The text parts of a tool result, joined. */
    static String text(List<? extends MessagePart> parts) {
        if (parts == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (MessagePart p : parts) {
            if (p instanceof MessagePart.TextPart t && t.text() != null) {
                b.append(b.isEmpty() ? "" : "\n").append(t.text());
            }
        }
        return b.toString();
    }

    /** The last {@code max} characters of the text on one line, for a streaming preview. */
    static String tail(String text, int max) {
        String one = TerminalText.oneLine(text).strip();
        return one.length() <= max ? one : "…" + one.substring(one.length() - max + 1);
    }

    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Math.max(0, max - 1);
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }
}
