package io.perstack.core.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces credentials in diagnostic text with {@code [REDACTED]} (docs/events.md §10, SR-33): the values of environment
 * variables whose names mark them as secrets, {@code Authorization:} and {@code Bearer} values, URL user info, and
 * well-known token shapes. It is for text we pass on (skill stderr, logs, stored error messages); tool results are
 * never rewritten.
 */
public final class CredentialRedactor {
    public static final String MARK = "[REDACTED]";
    private static final List<String> SECRET_SUFFIXES = List.of("_KEY", "_TOKEN", "_SECRET", "_PASSWORD");
    // Shorter values would redact ordinary words; no real credential is this short.
    private static final int MIN_VALUE_LENGTH = 6;
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)(authorization\\s*[:=]\\s*)\\S.*");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+");
    private static final Pattern USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/\\s@]+@");
    private static final Pattern TOKEN_SHAPES = Pattern.compile(
            "ghp_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9_-]{16,}");

    private final List<String> values;

    private CredentialRedactor(List<String> values) {
        this.values = values;
    }

    /** Redacts the secret-named values of {@code environment} (the merged environment of the invocation). */
    public static CredentialRedactor of(Map<String, String> environment) {
        List<String> values = new ArrayList<>();
        environment.forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            if (value != null && value.length() >= MIN_VALUE_LENGTH
                    && SECRET_SUFFIXES.stream().anyMatch(upper::endsWith)) {
                values.add(value);
            }
        });
        // Longest first, so a value containing another is replaced whole.
        values.sort(Comparator.comparingInt(String::length).reversed());
        return new CredentialRedactor(List.copyOf(values));
    }

    public String redact(String text) {
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MARK);
            }
        }
        out = AUTHORIZATION.matcher(out).replaceAll("$1" + MARK);
        out = BEARER.matcher(out).replaceAll("$1" + MARK);
        out = USER_INFO.matcher(out).replaceAll("$1" + MARK + "@");
        return TOKEN_SHAPES.matcher(out).replaceAll(MARK);
    }
}
