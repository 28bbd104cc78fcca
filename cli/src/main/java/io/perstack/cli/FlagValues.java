package io.perstack.cli;

import io.perstack.core.config.ConfigException;
import io.perstack.core.config.PerstackConfig;
import io.perstack.core.config.PerstackToml;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The run flags that have a {@code perstack.toml} twin, checked by the same rules with the same texts: each given
 * value is written as the TOML value a user would have typed ({@code --max-steps abc} as {@code maxSteps = "abc"})
 * and bound like a configuration file, so {@code --max-steps 0} and {@code maxSteps = 0} fail alike.
 */
final class FlagValues {
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.\\d+([eE][+-]?\\d+)?|\\d+[eE][+-]?\\d+)");

    private FlagValues() {}

    /**
     * The flags as a configuration (only the keys that were given are set). Problems are added under the key's
     * name, as a configuration file's would be; then the returned configuration has none of the keys set.
     */
    static PerstackConfig bind(RunFlags f, RunCommand.ArgumentProblems problems) {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("reasoningBudget", f.reasoningBudget);
        given.put("maxSteps", f.maxSteps);
        given.put("maxRetries", f.maxRetries);
        given.put("timeout", f.timeout);
        given.put("maxCostUsd", f.maxCostUsd);
        StringBuilder toml = new StringBuilder();
        given.forEach((key, value) -> {
            if (value != null) {
                toml.append(key).append(" = ").append(literal(key, value.strip())).append('\n');
            }
        });
        try {
            return PerstackToml.parse(toml.toString().getBytes(StandardCharsets.UTF_8), null, "command line");
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                int colon = problem.indexOf(": ");
                problems.add(colon < 0 ? "arguments" : problem.substring(0, colon),
                        colon < 0 ? problem : problem.substring(colon + 2));
            }
            return PerstackToml.parse(new byte[0], null, "command line");
        }
    }

    /** The TOML a user would write for this value: a number when it reads as one, else a string. */
    static String literal(String key, String value) {
        if (INTEGER.matcher(value).matches()) {
            return Long.toString(Long.parseLong(value));
        }
        if (DECIMAL.matcher(value).matches()) {
            return value.startsWith("+") ? value.substring(1) : value;
        }
        if (key.equals("reasoningBudget")) {
            // Levels are case-insensitive on the command line, as before.
            value = value.toLowerCase(java.util.Locale.ROOT);
        }
        StringBuilder out = new StringBuilder("\"");
        value.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }
}
