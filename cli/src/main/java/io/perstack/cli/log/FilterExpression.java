package io.perstack.cli.log;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --filter}: {@code .path op value}, evaluated against an event's wire JSON (docs/cli.md §5). {@code []} fans out
 * over an array and the condition holds if any element matches; a missing field never matches; {@code ==} and
 * {@code !=} compare type and value; ordering operators hold only between numbers.
 *
 * @param path     field names, with {@link #EACH} where the expression had {@code []}
 * @param expected a {@link String}, {@link Double} or {@link Boolean}
 */
record FilterExpression(List<String> path, Op op, Object expected) {
    static final String EACH = "[]";

    private static final Pattern EXPRESSION =
            Pattern.compile("^\\.([a-zA-Z_][\\w.\\[\\]]*)\\s*(==|!=|>=|<=|>|<)\\s*(.+)$");
    /** The same shape with nothing after the operator: the value is what is missing. */
    private static final Pattern NO_VALUE = Pattern.compile("^\\.([a-zA-Z_][\\w.\\[\\]]*)\\s*(==|!=|>=|<=|>|<)$");
    private static final Pattern SEGMENT = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    enum Op {
        EQ("=="), NE("!="), GE(">="), LE("<="), GT(">"), LT("<");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        static Op of(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            throw new IllegalArgumentException(symbol);
        }
    }

    static FilterExpression parse(String expression) {
        String s = expression.trim();
        if (NO_VALUE.matcher(s).matches()) {
            throw new IllegalArgumentException("Missing value in filter expression: " + expression);
        }
        Matcher m = EXPRESSION.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid filter expression: " + expression);
        }
        List<String> path = path(m.group(1));
        if (path == null) {
            throw new IllegalArgumentException("Invalid filter expression: " + expression);
        }
        String raw = m.group(3).trim();
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("Missing value in filter expression: " + expression);
        }
        return new FilterExpression(path, Op.of(m.group(2)), value(raw));
    }

    /** {@code segment ("." segment | "[]")*}, or {@code null} when the text does not follow that grammar. */
    private static List<String> path(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        boolean expectSegment = true;
        while (i < text.length()) {
            if (expectSegment) {
                int end = i;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')
                        && text.charAt(end) < 0x80) {
                    end++;
                }
                String segment = text.substring(i, end);
                if (!SEGMENT.matcher(segment).matches()) {
                    return null;
                }
                out.add(segment);
                i = end;
                expectSegment = false;
            } else if (text.startsWith(EACH, i)) {
                out.add(EACH);
                i += 2;
            } else if (text.charAt(i) == '.') {
                i++;
                expectSegment = true;
            } else {
                return null;
            }
        }
        return expectSegment ? null : out;
    }

    private static Object value(String raw) {
        if (raw.equals("true") || raw.equals("false")) {
            return Boolean.valueOf(raw);
        }
        if (raw.length() >= 2 && ((raw.startsWith("\"") && raw.endsWith("\""))
                || (raw.startsWith("'") && raw.endsWith("'")))) {
            return raw.substring(1, raw.length() - 1);
        }
        if (NUMBER.matcher(raw).matches()) {
            return Double.valueOf(raw);
        }
        return raw;
    }

    boolean matches(JsonNode event) {
        List<JsonNode> found = new ArrayList<>();
        collect(event, 0, found);
        for (JsonNode actual : found) {
            if (actual.isArray()) {
                for (JsonNode element : actual) {
                    if (compare(element)) {
                        return true;
                    }
                }
            } else if (compare(actual)) {
                return true;
            }
        }
        return false;
    }

    /** The values at the end of the path; fan-outs contribute one value per element that has the rest of it. */
    private void collect(JsonNode node, int index, List<JsonNode> out) {
        if (node == null || node.isMissingNode()) {
            return;
        }
        if (index == path.size()) {
            out.add(node);
            return;
        }
        String segment = path.get(index);
        if (segment.equals(EACH)) {
            if (node.isArray()) {
                if (index + 1 == path.size()) {
                    out.add(node);
                } else {
                    node.forEach(element -> collect(element, index + 1, out));
                }
            }
            return;
        }
        if (node.isObject()) {
            collect(node.get(segment), index + 1, out);
        }
    }

    private boolean compare(JsonNode actual) {
        return switch (op) {
            case EQ -> same(actual);
            case NE -> !same(actual);
            case GT -> actual.isNumber() && expected instanceof Double d && actual.asDouble() > d;
            case GE -> actual.isNumber() && expected instanceof Double d && actual.asDouble() >= d;
            case LT -> actual.isNumber() && expected instanceof Double d && actual.asDouble() < d;
            case LE -> actual.isNumber() && expected instanceof Double d && actual.asDouble() <= d;
        };
    }

    private boolean same(JsonNode actual) {
        return switch (expected) {
            case Boolean b -> actual.isBoolean() && actual.booleanValue() == b;
            case Double d -> actual.isNumber() && actual.asDouble() == d;
            case String s -> actual.isTextual() && actual.textValue().equals(s);
            default -> false;
        };
    }
}
