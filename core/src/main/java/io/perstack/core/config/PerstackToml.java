package io.perstack.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlVersion;

/**
 * Finding, reading and parsing {@code perstack.toml} (docs/configuration.md §1). Every schema problem of a file is reported in
 * one {@link ConfigException}; fetching a remote config is the CLI's job, the rules for its URL and its parsing are
 * here.
 */
public final class PerstackToml {
    public static final String FILE_NAME = "perstack.toml";
    /** Checked before parsing and, for files, before reading everything (SR-36, SR-60). */
    public static final int MAX_BYTES = 1_048_576;
    public static final String NOT_FOUND = "perstack.toml not found. Create one or specify --config path.";
    public static final String REMOTE_HOST = "raw.githubusercontent.com";

    /** A syntax error often cascades; the first ones are what the user needs. */
    private static final int MAX_SYNTAX_PROBLEMS = 20;
    private static final Pattern HAS_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

    private PerstackToml() {}

    /** The nearest {@code perstack.toml} in {@code cwd} or one of its parents, up to the filesystem root. */
    public static Optional<Path> find(Path cwd) {
        for (Path dir = cwd.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@link #find} then {@link #read}; nothing found gives the documented {@link #NOT_FOUND} message. */
    public static PerstackConfig load(Path cwd) {
        return read(find(cwd).orElseThrow(() -> new ConfigException(NOT_FOUND)));
    }

    /** Reads and parses a local file; messages use its file name as label. */
    public static PerstackConfig read(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        String label = labelOf(absolute);
        byte[] bytes;
        try {
            bytes = readBounded(absolute, label);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Config file " + absolute + " is not found");
        } catch (IOException e) {
            throw new ConfigException("Config file " + absolute + " cannot be read: " + e.getMessage());
        }
        return parse(bytes, absolute, label);
    }

    /**
     * The {@code --config} value when it is a local path, resolved against {@code cwd}. A URL must be fetched by the
     * caller (after {@link #remoteUri}) and handed to {@link #parseRemote}.
     */
    public static PerstackConfig readGiven(Path cwd, String given) {
        if (isRemote(given)) {
            remoteUri(given);
            throw new IllegalArgumentException("A remote config must be fetched by the caller; use parseRemote");
        }
        Path file = cwd.resolve(given).toAbsolutePath().normalize();
        String notFound = "Given config path \"" + given + "\" is not found";
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(notFound);
        }
        byte[] bytes;
        try {
            bytes = readBounded(file, labelOf(file));
        } catch (IOException e) {
            throw new ConfigException(notFound);
        }
        return parse(bytes, file, labelOf(file));
    }

    /** A remote config body; the URL is its label and there is no source file (so no lockfile is used). */
    public static PerstackConfig parseRemote(byte[] body, String url) {
        return parse(body, null, url);
    }

    /**
     * Parses and validates {@code bytes}.
     *
     * @param source the file the bytes came from, or {@code null} for a remote config
     * @param label  the name used in messages: normally the file name or the URL
     */
    public static PerstackConfig parse(byte[] bytes, Path source, String label) {
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(label, bytes.length);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ConfigException.syntax(label, List.of("the file is not valid UTF-8"));
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Optional<String> tooDeep = TomlNesting.tooDeep(text);
        if (tooDeep.isPresent()) {
            throw ConfigException.syntax(label, List.of(tooDeep.get()));
        }
        TomlParseResult result;
        try {
            result = Toml.parse(text, TomlVersion.V1_0_0);
        } catch (StackOverflowError e) {
            // Last line of defence if the nesting scan and the parser ever disagree about what is a string.
            throw ConfigException.syntax(label, List.of("the document is nested too deeply"));
        }
        if (result.hasErrors()) {
            throw ConfigException.syntax(label, syntaxProblems(result.errors()));
        }
        return ConfigBinder.bind(result, source, sha256(bytes), label);
    }

    /** The message of docs/configuration.md §1 for a file or body over {@link #MAX_BYTES}. */
    public static ConfigException tooLarge(String label, long size) {
        return new ConfigException(label + " is too large (" + size + " bytes; limit " + MAX_BYTES + ")");
    }

    /** True when {@code --config} names a URL (any scheme, so {@code http://} is refused by the scheme rule). */
    public static boolean isRemote(String given) {
        return given != null && HAS_SCHEME.matcher(given).matches();
    }

    /**
     * The URL of a remote config after the checks of docs/configuration.md §1: parsable, https, host exactly
     * {@value #REMOTE_HOST}. The caller fetches it without following redirects and with the {@link #MAX_BYTES} cap.
     */
    public static URI remoteUri(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("Invalid remote config URL: " + url);
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new ConfigException("Invalid remote config URL: " + url);
        }
        if (!uri.getScheme().toLowerCase(Locale.ROOT).equals("https")) {
            throw new ConfigException("Remote config requires HTTPS");
        }
        if (!uri.getHost().toLowerCase(Locale.ROOT).equals(REMOTE_HOST)) {
            throw new ConfigException("Remote config only allowed from: " + REMOTE_HOST);
        }
        return uri;
    }

    private static String labelOf(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** The size is checked before reading and the read is capped, so a file growing meanwhile is still refused. */
    private static byte[] readBounded(Path file, String label) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw tooLarge(label, size);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(label, Math.max(size, bytes.length));
        }
        return bytes;
    }

    private static List<String> syntaxProblems(List<TomlParseError> errors) {
        List<String> problems = new ArrayList<>();
        for (TomlParseError e : errors.subList(0, Math.min(errors.size(), MAX_SYNTAX_PROBLEMS))) {
            problems.add("line " + e.position().line() + ", column " + e.position().column() + ": " + e.getMessage());
        }
        if (errors.size() > MAX_SYNTAX_PROBLEMS) {
            problems.add("... and " + (errors.size() - MAX_SYNTAX_PROBLEMS) + " more");
        }
        return problems;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
