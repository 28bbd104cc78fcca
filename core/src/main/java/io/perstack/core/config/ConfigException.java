package io.perstack.core.config;

import java.util.List;

/**
 * A configuration that cannot be used. For schema problems the message is the stable shape scripts match
 * (docs/configuration.md §1.1): {@code <label>: Validation failed:} and one {@code   - <dotted.path>: <message>} line per
 * problem. TOML syntax errors use the same shape with line and column. The message is plain text for stderr; it
 * never carries a stack trace or a cause's description.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    /** A failure that is one sentence (file not found, too large, remote URL refused). */
    public ConfigException(String message) {
        this(message, List.of());
    }

    private ConfigException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** Every schema problem of one file at once, each {@code <dotted.path>: <message>}. */
    public static ConfigException validation(String label, List<String> problems) {
        return new ConfigException(format(label + ": Validation failed:", problems), problems);
    }

    /** TOML syntax errors, each {@code line <l>, column <c>: <message>}. */
    public static ConfigException syntax(String label, List<String> problems) {
        return new ConfigException(format(label + ": TOML syntax error:", problems), problems);
    }

    private static String format(String header, List<String> problems) {
        StringBuilder sb = new StringBuilder(header);
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }

    /** The problem lines without the {@code "  - "} prefix; empty for one-sentence failures. */
    public List<String> problems() {
        return problems;
    }
}
