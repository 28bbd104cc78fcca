package io.perstack.skills.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a JSON tree as TOML the way the TypeScript implementation's writer (smol-toml's {@code stringify}) lays a
 * lock out, so a lock written here diffs cleanly against one written there: keys in the tree's order, a table's plain
 * values before its sub-tables, sub-tables as {@code [a.b]} sections, arrays of tables as {@code [[a.b]]}, other arrays
 * and tables inside arrays inline, and every string a double-quoted basic string. Jackson's TOML writer, used before,
 * wrote single-quoted literal strings. The tree must hold no nulls (TOML has none).
 */
final class TomlWriter {
    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    /** Integers a JavaScript number holds exactly; the original writes larger ones as floats. */
    private static final double MAX_SAFE_INTEGER = 9007199254740991d;

    private TomlWriter() {}

    static String write(ObjectNode root) {
        String out = table(null, root, "");
        return out.endsWith("\n") ? out : out + "\n";
    }

    /**
     * One table: its plain values, then each sub-table or array of tables, blocks parted by an empty line. The
     * {@code [header]} is left out when the table has only sub-tables (TOML defines it implicitly).
     */
    private static String table(String header, JsonNode table, String prefix) {
        StringBuilder plain = new StringBuilder();
        StringBuilder tables = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value == null || value.isNull() || value.isMissingNode()) {
                continue;
            }
            String key = key(field.getKey());
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value.isArray() && isArrayOfTables(value)) {
                block(tables, arrayOfTables(value, path));
            } else if (value.isObject()) {
                block(tables, table(path, value, path));
            } else {
                plain.append(key).append(" = ").append(value(value)).append('\n');
            }
        }
        String head = plain.toString();
        if (header != null && (!head.isEmpty() || tables.isEmpty())) {
            head = head.isEmpty() ? "[" + header + "]" : "[" + header + "]\n" + head;
        }
        return !head.isEmpty() && !tables.isEmpty() ? head + "\n" + tables : head + tables;
    }

    private static void block(StringBuilder blocks, String block) {
        if (!blocks.isEmpty()) {
            blocks.append('\n');
        }
        blocks.append(block);
    }

    private static String arrayOfTables(JsonNode array, String path) {
        StringBuilder out = new StringBuilder();
        for (JsonNode element : array) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append("[[").append(path).append("]]\n").append(table(null, element, path));
        }
        return out.toString();
    }

    private static boolean isArrayOfTables(JsonNode array) {
        if (array.isEmpty()) {
            return false;
        }
        for (JsonNode element : array) {
            if (!element.isObject()) {
                return false;
            }
        }
        return true;
    }

    private static String value(JsonNode v) {
        if (v.isTextual()) {
            return string(v.asText());
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? "true" : "false";
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        if (v.isNumber()) {
            return number(v.doubleValue());
        }
        if (v.isArray()) {
            if (v.isEmpty()) {
                return "[]";
            }
            StringBuilder out = new StringBuilder("[ ");
            boolean first = true;
            for (JsonNode element : v) {
                if (element.isNull()) {
                    continue;
                }
                out.append(first ? "" : ", ").append(value(element));
                first = false;
            }
            return out.append(" ]").toString();
        }
        if (v.isObject()) {
            if (v.isEmpty()) {
                return "{}";
            }
            StringBuilder out = new StringBuilder("{ ");
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isNull()) {
                    continue;
                }
                out.append(first ? "" : ", ").append(key(field.getKey())).append(" = ").append(value(field.getValue()));
                first = false;
            }
            return out.append(" }").toString();
        }
        throw new IllegalArgumentException("no TOML form for " + v.getNodeType());
    }

    /** As a JavaScript number prints, except that the result is always valid TOML. */
    private static String number(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) <= MAX_SAFE_INTEGER) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private static String key(String key) {
        return BARE_KEY.matcher(key).matches() ? key : string(key);
    }

    /**
     * A TOML basic string: {@code "} and {@code \} escaped, control characters (U+0000 to U+001F and U+007F) as
     * their short escape or {@code \}{@code u00XX}, everything else as it is. A lone surrogate has no TOML form (an
     * escape must name a Unicode scalar value) and becomes U+FFFD.
     */
    static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = CanonicalJson.shortEscape(c);
            if (escape != null) {
                out.append(escape);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
