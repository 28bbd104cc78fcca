package io.perstack.core.config;

import java.util.Optional;

/**
 * Refuses arrays and inline tables nested deeper than {@link #MAX_DEPTH} before the TOML parser sees them. The parser
 * recurses once per level, so a 1 MiB file of {@code [[[[…} would otherwise end in a {@link StackOverflowError};
 * real configs nest a few levels at most. Strings and comments are skipped so brackets inside them do not count.
 */
final class TomlNesting {
    static final int MAX_DEPTH = 32;

    private TomlNesting() {}

    /** The problem line ({@code line <l>, column <c>: …}) at the first bracket that goes too deep, if any. */
    static Optional<String> tooDeep(String text) {
        int depth = 0;
        int line = 1;
        int lineStart = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                lineStart = i + 1;
                i++;
            } else if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (text.startsWith("\"\"\"", i) || text.startsWith("'''", i)) {
                String delimiter = text.substring(i, i + 3);
                boolean escapes = c == '"';
                i += 3;
                while (i < n && !text.startsWith(delimiter, i)) {
                    if (text.charAt(i) == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                    i += escapes && text.charAt(i) == '\\' ? 2 : 1;
                }
                i += 3;
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && text.charAt(i) != c && text.charAt(i) != '\n') {
                    i += c == '"' && text.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else {
                if (c == '[' || c == '{') {
                    depth++;
                    if (depth > MAX_DEPTH) {
                        return Optional.of("line " + line + ", column " + (i - lineStart + 1)
                                + ": arrays and inline tables may be nested at most " + MAX_DEPTH + " levels deep");
                    }
                } else if ((c == ']' || c == '}') && depth > 0) {
                    depth--;
                }
                i++;
            }
        }
        return Optional.empty();
    }
}
