package io.perstack.cli.log;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --step}: one step, an open bound or an inclusive range (docs/cli.md §5). Both bounds are inclusive here. */
record StepFilter(long min, long max) {
    private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d+)");
    private static final Pattern BOUND = Pattern.compile("(>=|<=|>|<)?(\\d+)");

    static StepFilter parse(String expression) {
        String s = expression.trim();
        Matcher range = RANGE.matcher(s);
        if (range.matches()) {
            long min = number(range.group(1), expression);
            long max = number(range.group(2), expression);
            if (min > max) {
                throw new IllegalArgumentException("Invalid step range: " + expression + " (min " + min + " > max "
                        + max + ")");
            }
            return new StepFilter(min, max);
        }
        Matcher bound = BOUND.matcher(s);
        if (!bound.matches()) {
            throw invalid(expression);
        }
        long n = number(bound.group(2), expression);
        String op = bound.group(1);
        return switch (op == null ? "" : op) {
            case ">" -> new StepFilter(n + 1, Long.MAX_VALUE);
            case ">=" -> new StepFilter(n, Long.MAX_VALUE);
            case "<" -> new StepFilter(Long.MIN_VALUE, n - 1);
            case "<=" -> new StepFilter(Long.MIN_VALUE, n);
            default -> new StepFilter(n, n);
        };
    }

    boolean matches(Integer step) {
        return step != null && step >= min && step <= max;
    }

    private static long number(String digits, String expression) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLong) {
            throw invalid(expression);
        }
    }

    private static IllegalArgumentException invalid(String expression) {
        return new IllegalArgumentException("Invalid step filter: " + expression);
    }
}
