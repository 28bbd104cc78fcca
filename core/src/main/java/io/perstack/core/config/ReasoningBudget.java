package io.perstack.core.config;

import java.util.Locale;

/**
 * Native reasoning budget: a level ({@code none|minimal|low|medium|high}) or a token count (docs/providers.md §4).
 * Exactly one of {@code level} and {@code tokens} is set.
 */
public record ReasoningBudget(String level, Integer tokens) {
    public static final ReasoningBudget LOW = new ReasoningBudget("low", null);

    /** The budget of a level or a non-negative integer; {@code null} for anything else. */
    public static ReasoningBudget parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "none", "minimal", "low", "medium", "high" -> {
                return new ReasoningBudget(v, null);
            }
            default -> {
                try {
                    int n = Integer.parseInt(v);
                    return n >= 0 ? new ReasoningBudget(null, n) : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
    }

    public boolean enabled() {
        return tokenCount() > 0;
    }

    /** Tokens of this budget: minimal 1024, low 2048, medium 5000, high 10000, none 0. */
    public int tokenCount() {
        if (tokens != null) {
            return tokens;
        }
        return switch (level) {
            case "minimal" -> 1024;
            case "low" -> 2048;
            case "medium" -> 5000;
            case "high" -> 10000;
            default -> 0;
        };
    }

    @Override
    public String toString() {
        return level != null ? level : String.valueOf(tokens);
    }
}
