package io.perstack.base.tools;

import java.net.URLConnection;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** How the file tools render names, types, sizes and times, matching the TypeScript base skill's output. */
final class FileFormats {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    // What URLConnection's table lacks or names differently from the TypeScript mime lookup.
    private static final Map<String, String> MIME_TYPES = Map.ofEntries(Map.entry("md", "text/markdown"),
            Map.entry("json", "application/json"), Map.entry("js", "text/javascript"),
            Map.entry("mjs", "text/javascript"), Map.entry("ts", "video/mp2t"), Map.entry("css", "text/css"),
            Map.entry("csv", "text/csv"), Map.entry("yaml", "text/yaml"), Map.entry("yml", "text/yaml"),
            Map.entry("toml", "application/toml"), Map.entry("webp", "image/webp"), Map.entry("svg", "image/svg+xml"),
            Map.entry("pdf", "application/pdf"), Map.entry("wasm", "application/wasm"), Map.entry("sh", "application/x-sh"),
            Map.entry("py", "text/x-python"), Map.entry("java", "text/x-java-source"), Map.entry("txt", "text/plain"),
            Map.entry("html", "text/html"), Map.entry("xml", "application/xml"), Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"));

    private FileFormats() {}

    static String iso(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Lower-cased extension without the dot, for type checks. */
    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Node's {@code path.extname}: with the dot, empty for none and for names that only start with a dot. */
    static String nodeExtension(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == '.') {
            start++;
        }
        int dot = name.lastIndexOf('.');
        return dot < start ? "" : name.substring(dot);
    }

    static String mimeType(String name) {
        String ext = extension(name);
        String known = MIME_TYPES.get(ext);
        if (known != null) {
            return known;
        }
        String guessed = ext.isEmpty() ? null : URLConnection.guessContentTypeFromName(name);
        return guessed != null ? guessed : "application/octet-stream";
    }

    /** {@code 0 B}, else divided by 1024 until below 1024, two decimals (docs/base-skill.md §5). */
    static String formatSize(long bytes) {
        if (bytes == 0) {
            return "0 B";
        }
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }

    static String lastSegment(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
