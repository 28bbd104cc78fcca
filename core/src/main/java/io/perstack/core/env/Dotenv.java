package io.perstack.core.env;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads {@code .env} files into the merged environment (docs/configuration.md §8). Precedence is "first one wins": the real
 * environment beats every file and an earlier file beats a later one, so a file in a cloned repository can never
 * replace a credential the user exported. Nothing is printed while loading.
 *
 * <p>Syntax: {@code KEY=value} with an optional {@code export } prefix; {@code #} starts a comment at the start of a
 * line or, in an unquoted value, after whitespace (so URL fragments survive); single quotes are literal; double
 * quotes understand {@code \n \r \t \" \\}; quoted values may span lines; {@code KEY=} is the empty string. Within
 * one file a later line for the same key replaces an earlier one.
 */
public final class Dotenv {
    public static final List<String> DEFAULT_FILES = List.of(".env", ".env.local");
    public static final long MAX_FILE_BYTES = 1_048_576;

    /** Broad enough for every name {@code requiredEnv} accepts (which allows a leading digit and dashes). */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private Dotenv() {}

    /**
     * The process environment merged with the env files that existed.
     *
     * @param variables   every variable; real environment first, then file values for names it did not have
     * @param loadedFiles absolute paths of the files actually read, in load order (the backends mask them, SR-31)
     */
    public record MergedEnvironment(Map<String, String> variables, List<Path> loadedFiles) {
        public MergedEnvironment {
            variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
            loadedFiles = List.copyOf(loadedFiles);
        }

        /** Deliberately names only: the default record form would print every secret value. */
        @Override
        public String toString() {
            return "MergedEnvironment[names=" + variables.keySet() + ", loadedFiles=" + loadedFiles + "]";
        }
    }

    /**
     * Merges {@code processEnv} (only non-empty values) with the env files.
     *
     * @param envFiles {@code --env-path} values or the config's {@code envPath}, resolved against {@code cwd};
     *                 {@code null} or empty means {@link #DEFAULT_FILES}. Missing files are skipped silently.
     */
    public static MergedEnvironment load(Map<String, String> processEnv, Path cwd, List<String> envFiles) {
        Map<String, String> merged = new LinkedHashMap<>();
        processEnv.forEach((k, v) -> {
            if (k != null && v != null && !v.isEmpty()) {
                merged.put(k, v);
            }
        });
        List<String> names = envFiles == null || envFiles.isEmpty() ? DEFAULT_FILES : envFiles;
        List<Path> loaded = new ArrayList<>();
        for (String name : names) {
            Path file = cwd.resolve(name).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                continue;
            }
            parse(read(file), file).forEach(merged::putIfAbsent);
            loaded.add(file);
        }
        return new MergedEnvironment(merged, loaded);
    }

    private static String read(Path file) {
        byte[] bytes;
        try {
            // Checked before and while reading: a huge or growing file must not be pulled into memory.
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw tooLarge(file);
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            }
        } catch (IOException e) {
            throw new EnvFileException(file, 0, "Env file " + file + " cannot be read: " + e.getMessage());
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw tooLarge(file);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new EnvFileException(file, 0, "Env file " + file + " is not valid UTF-8");
        }
    }

    private static EnvFileException tooLarge(Path file) {
        return new EnvFileException(file, 0, "Env file " + file + " is too large");
    }

    /**
     * Parses dotenv text; {@code file} only names the source in errors.
     *
     * @throws EnvFileException for the first malformed line, naming file and line (never its content)
     */
    public static Map<String, String> parse(String text, Path file) {
        return new Parser(text, file).entries();
    }

    /** A cursor over the whole text, because a quoted value may continue on the next lines. */
    private static final class Parser {
        private final String text;
        private final Path file;
        private int pos;
        private int line = 1;

        Parser(String text, Path file) {
            this.text = text;
            this.file = file;
        }

        Map<String, String> entries() {
            Map<String, String> result = new LinkedHashMap<>();
            while (pos < text.length()) {
                skipBlanks();
                if (pos >= text.length()) {
                    break;
                }
                char c = text.charAt(pos);
                if (c == '\n' || c == '\r') {
                    nextLine();
                    continue;
                }
                if (c == '#') {
                    skipRestOfLine();
                    continue;
                }
                int entryLine = line;
                String key = readKey(entryLine);
                String value = readValue(entryLine);
                result.put(key, value);
            }
            return result;
        }

        private String readKey(int entryLine) {
            int eol = endOfLine();
            String head = text.substring(pos, eol);
            int eq = head.indexOf('=');
            if (eq < 0) {
                throw malformed(entryLine, "expected KEY=value");
            }
            String key = head.substring(0, eq).strip();
            if (key.startsWith("export") && key.length() > 6 && Character.isWhitespace(key.charAt(6))) {
                key = key.substring(7).strip();
            }
            if (!KEY.matcher(key).matches()) {
                throw malformed(entryLine, "invalid variable name");
            }
            pos += eq + 1;
            skipBlanks();
            return key;
        }

        private String readValue(int entryLine) {
            if (pos >= text.length()) {
                return "";
            }
            char c = text.charAt(pos);
            if (c == '"' || c == '\'') {
                String value = readQuoted(c, entryLine);
                skipBlanks();
                if (pos < text.length() && text.charAt(pos) != '#' && text.charAt(pos) != '\n'
                        && text.charAt(pos) != '\r') {
                    throw malformed(entryLine, "unexpected text after the closing quote");
                }
                skipRestOfLine();
                return value;
            }
            int eol = endOfLine();
            String raw = text.substring(pos, eol);
            pos = eol;
            skipRestOfLine();
            return stripInlineComment(raw).strip();
        }

        private String readQuoted(char quote, int entryLine) {
            StringBuilder out = new StringBuilder();
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == quote) {
                    pos++;
                    return out.toString();
                }
                if (c == '\n') {
                    line++;
                }
                if (quote == '"' && c == '\\' && pos + 1 < text.length()) {
                    char next = text.charAt(pos + 1);
                    switch (next) {
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case '"' -> out.append('"');
                        case '\\' -> out.append('\\');
                        // Unknown escapes stay as written: Windows paths and regexes in values are common.
                        default -> out.append(c).append(next);
                    }
                    pos += 2;
                    continue;
                }
                // CRLF files: the CR before a newline inside a quoted value is line ending, not content.
                if (!(c == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n')) {
                    out.append(c);
                }
                pos++;
            }
            throw malformed(entryLine, "unterminated quoted value");
        }

        private static String stripInlineComment(String raw) {
            for (int i = 0; i < raw.length(); i++) {
                if (raw.charAt(i) == '#' && (i == 0 || Character.isWhitespace(raw.charAt(i - 1)))) {
                    return raw.substring(0, i);
                }
            }
            return raw;
        }

        private void skipBlanks() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private int endOfLine() {
            int eol = pos;
            while (eol < text.length() && text.charAt(eol) != '\n' && text.charAt(eol) != '\r') {
                eol++;
            }
            return eol;
        }

        private void skipRestOfLine() {
            pos = endOfLine();
            nextLine();
        }

        private void nextLine() {
            if (pos < text.length() && text.charAt(pos) == '\r') {
                pos++;
            }
            if (pos < text.length() && text.charAt(pos) == '\n') {
                pos++;
            }
            line++;
        }

        private EnvFileException malformed(int atLine, String reason) {
            return new EnvFileException(file, atLine, "Env file " + file + " line " + atLine + ": " + reason);
        }
    }
}
