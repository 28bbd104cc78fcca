package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.AccessDenied;
import io.perstack.base.fs.Entry;
import io.perstack.base.fs.FileAccess;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.base.fs.Workspace;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.MessagePart;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The file tools of docs/base-skill.md §5, acting only through the confined {@link Workspace}. */
public final class FileTools {
    /** Text tools read at most this much of a file (docs/base-skill.md §2.3). */
    public static final long TEXT_LIMIT = 64L * 1024 * 1024;
    static final long IMAGE_LIMIT = 15L * 1024 * 1024;
    static final long PDF_LIMIT = 30L * 1024 * 1024;

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Map<String, String> IMAGE_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg",
            "image/jpeg", "gif", "image/gif", "webp", "image/webp");
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

    private final Workspace workspace;
    private final FileAccess files;
    private final boolean inlineMedia;

    /**
     * @param inlineMedia in-process mode returns images and PDFs as inline parts; the stdio server returns
     *                    {@code {path, mimeType, size}} and lets the runtime inline them (docs/base-skill.md §7)
     */
    public FileTools(Workspace workspace, boolean inlineMedia) {
        this.workspace = workspace;
        this.files = workspace.files();
        this.inlineMedia = inlineMedia;
    }

    private Location locate(String path) throws ToolFailure {
        try {
            return workspace.locate(path);
        } catch (AccessDenied e) {
            throw new ToolFailure(e.getMessage());
        }
    }

    private Location locateForChange(String path) throws ToolFailure {
        try {
            return workspace.locateForChange(path);
        } catch (AccessDenied e) {
            throw new ToolFailure(e.getMessage());
        }
    }

    /** Turns a kernel refusal into its §2.2 text, anything else into a short generic failure. */
    private ToolFailure failure(FsException e, Location location) {
        String refusal = workspace.refusal(e, location);
        return new ToolFailure(refusal != null ? refusal : "Operation failed on " + location.visible() + ": "
                + e.getMessage());
    }

    /** The entry itself; a link as the last component is refused like one anywhere else (§2.2). */
    private Stat stat(Location location) throws ToolFailure {
        try {
            Stat stat = files.stat(location.parts());
            if (stat != null && stat.type() == Stat.Type.SYMLINK) {
                throw new ToolFailure(workspace.refusal(new FsException(FsException.ELOOP, "stat"), location));
            }
            return stat;
        } catch (FsException e) {
            throw failure(e, location);
        }
    }

    public ObjectNode readTextFile(Arguments args) throws ToolFailure {
        String path = args.string("path");
        Long from = args.optionalNumber("from");
        Long to = args.optionalNumber("to");
        Location location = locate(path);
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("File " + path + " does not exist.");
        }
        if (stat.directory()) {
            throw new ToolFailure("Path " + path + " is a directory.");
        }
        // Only a known, non-negative end lets reading stop early; otherwise slice() needs the line count.
        long stopAt = to != null && to >= 0 && (from == null || from >= 0) ? to : Long.MAX_VALUE;
        List<String> lines;
        try (InputStream in = files.openRead(location.parts())) {
            lines = lines(new InputStreamReader(limited(in, TEXT_LIMIT), StandardCharsets.UTF_8), stopAt);
        } catch (FsException e) {
            throw failure(e, location);
        } catch (IOException e) {
            throw new ToolFailure("Failed to read " + path + ": " + e.getMessage());
        }
        long fromLine = from == null ? 0 : from;
        long toLine = to == null ? lines.size() : to;
        ObjectNode out = Json.object().put("path", path)
                .put("content", String.join("\n", slice(lines, fromLine, toLine)))
                .put("from", fromLine).put("to", toLine);
        return out;
    }

    /** Lines split on LF only, like JavaScript's {@code split("\n")}; stops after {@code stopAt} lines. */
    private static List<String> lines(Reader reader, long stopAt) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        char[] buffer = new char[8192];
        int n;
        while (lines.size() < stopAt && (n = reader.read(buffer)) > 0) {
            for (int i = 0; i < n && lines.size() < stopAt; i++) {
                if (buffer[i] == '\n') {
                    lines.add(line.toString());
                    line.setLength(0);
                } else {
                    line.append(buffer[i]);
                }
            }
        }
        if (lines.size() < stopAt) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** {@code Array.prototype.slice} semantics, negative indices counting from the end. */
    private static List<String> slice(List<String> lines, long from, long to) {
        int size = lines.size();
        long start = from < 0 ? Math.max(size + from, 0) : Math.min(from, size);
        long end = to < 0 ? Math.max(size + to, 0) : Math.min(to, size);
        return start >= end ? List.of() : lines.subList((int) start, (int) end);
    }

    private static InputStream limited(InputStream in, long limit) {
        return new InputStream() {
            private long left = limit;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    public MessagePart.ResultContent readImageFile(Arguments args) throws ToolFailure {
        String path = args.string("path");
        Location location = locate(path);
        Stat stat = existingFile(location, path);
        String mimeType = IMAGE_TYPES.get(extension(location.name()));
        if (mimeType == null || stat.directory()) {
            throw new ToolFailure("File " + path + " is not supported.");
        }
        if (stat.size() > IMAGE_LIMIT) {
            throw new ToolFailure(String.format(Locale.ROOT, "Image file too large (%.1fMB). Maximum supported size "
                    + "is 15MB. Please use a smaller image file.", stat.size() / 1024.0 / 1024.0));
        }
        return media(location, mimeType, stat, IMAGE_LIMIT, true);
    }

    public MessagePart.ResultContent readPdfFile(Arguments args) throws ToolFailure {
        String path = args.string("path");
        Location location = locate(path);
        Stat stat = existingFile(location, path);
        if (!extension(location.name()).equals("pdf") || stat.directory()) {
            throw new ToolFailure("File " + path + " is not a PDF file.");
        }
        if (stat.size() > PDF_LIMIT) {
            throw new ToolFailure(String.format(Locale.ROOT, "PDF file too large (%.1fMB). Maximum supported size is "
                    + "30MB. Please use a smaller PDF file.", stat.size() / 1024.0 / 1024.0));
        }
        return media(location, "application/pdf", stat, PDF_LIMIT, false);
    }

    private Stat existingFile(Location location, String path) throws ToolFailure {
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("File " + path + " does not exist.");
        }
        return stat;
    }

    private MessagePart.ResultContent media(Location location, String mimeType, Stat stat, long limit, boolean image)
            throws ToolFailure {
        if (!inlineMedia) {
            ObjectNode out = Json.object().put("path", location.visible()).put("mimeType", mimeType)
                    .put("size", stat.size());
            return new MessagePart.TextPart(Ids.next(), Json.write(out));
        }
        byte[] data;
        try {
            // One byte over the limit tells a file that grew since the stat from one that fits.
            data = files.read(location.parts(), limit + 1);
        } catch (FsException e) {
            throw failure(e, location);
        }
        if (data.length > limit) {
            throw new ToolFailure("File " + location.given() + " changed while it was read.");
        }
        String encoded = Base64.getEncoder().encodeToString(data);
        return image ? new MessagePart.ImageInlinePart(Ids.next(), encoded, mimeType)
                : new MessagePart.FileInlinePart(Ids.next(), encoded, mimeType);
    }

    public ObjectNode writeTextFile(Arguments args) throws ToolFailure {
        String path = args.string("path");
        String text = args.string("text");
        Location location = locateForChange(path);
        Stat stat = stat(location);
        if (stat != null && stat.directory()) {
            throw new ToolFailure("Path " + path + " is a directory.");
        }
        if (stat != null && !stat.ownerWritable()) {
            throw new ToolFailure("File " + path + " is not writable");
        }
        try {
            files.createDirectories(location.parent().parts());
            files.write(location.parts(), text.getBytes(StandardCharsets.UTF_8));
        } catch (FsException e) {
            throw failure(e, location);
        }
        return Json.object().put("path", location.visible()).put("text", text);
    }

    /** An existing, owner-writable regular file of at most {@link #TEXT_LIMIT} bytes. */
    private Stat editable(Location location, String path) throws ToolFailure {
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("File " + path + " does not exist.");
        }
        if (stat.directory()) {
            throw new ToolFailure("Path " + path + " is a directory.");
        }
        if (!stat.ownerWritable()) {
            throw new ToolFailure("File " + path + " is not writable");
        }
        if (stat.size() > TEXT_LIMIT) {
            throw new ToolFailure("File " + path + " is too large (limit " + TEXT_LIMIT + " bytes)");
        }
        return stat;
    }

    public ObjectNode appendTextFile(Arguments args) throws ToolFailure {
        String path = args.string("path");
        String text = args.string("text");
        Location location = locateForChange(path);
        editable(location, path);
        try {
            files.append(location.parts(), text.getBytes(StandardCharsets.UTF_8));
        } catch (FsException e) {
            throw failure(e, location);
        }
        return Json.object().put("path", location.visible()).put("text", text);
    }

    public ObjectNode editTextFile(Arguments args) throws ToolFailure {
        String path = args.string("path");
        String oldText = args.string("oldText");
        String newText = args.string("newText");
        Location location = locateForChange(path);
        editable(location, path);
        try {
            byte[] data = files.read(location.parts(), TEXT_LIMIT);
            String content = lf(new String(data, StandardCharsets.UTF_8));
            String search = lf(oldText);
            int at = content.indexOf(search);
            if (at < 0) {
                throw new ToolFailure("Could not find exact match for oldText in file " + location.visible());
            }
            String edited = content.substring(0, at) + lf(newText) + content.substring(at + search.length());
            files.overwrite(location.parts(), edited.getBytes(StandardCharsets.UTF_8));
        } catch (FsException e) {
            throw failure(e, location);
        }
        return Json.object().put("path", location.visible()).put("newText", newText).put("oldText", oldText);
    }

    private static String lf(String text) {
        return text.replace("\r\n", "\n");
    }

    public ObjectNode moveFile(Arguments args) throws ToolFailure {
        String source = args.string("source");
        String destination = args.string("destination");
        Location from = locateForChange(source);
        Location to = locateForChange(destination);
        Stat stat = stat(from);
        if (stat == null) {
            throw new ToolFailure("Source file " + source + " does not exist.");
        }
        if (!stat.ownerWritable()) {
            throw new ToolFailure("Source file " + source + " is not writable");
        }
        if (stat(to) != null) {
            throw new ToolFailure("Destination " + destination + " already exists.");
        }
        try {
            files.createDirectories(to.parent().parts());
            files.rename(from.parts(), to.parts());
        } catch (FsException e) {
            if (e.errno() == FsException.EEXIST) {
                throw new ToolFailure("Destination " + destination + " already exists.");
            }
            throw failure(e, e.errno() == FsException.ELOOP || e.errno() == FsException.EXDEV ? to : from);
        }
        return Json.object().put("source", from.visible()).put("destination", to.visible());
    }

    public ObjectNode deleteFile(Arguments args) throws ToolFailure {
        String path = args.string("path");
        Location location = locateForChange(path);
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("File " + path + " does not exist.");
        }
        if (stat.directory()) {
            throw new ToolFailure("Path " + path + " is a directory. Use delete directory tool instead.");
        }
        if (!stat.ownerWritable()) {
            throw new ToolFailure("File " + path + " is not writable");
        }
        try {
            files.deleteFile(location.parts());
        } catch (FsException e) {
            throw failure(e, location);
        }
        return Json.object().put("path", location.visible());
    }

    public ObjectNode getFileInfo(Arguments args) throws ToolFailure {
        String path = args.string("path");
        Location location = locate(path);
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("File or directory " + path + " does not exist");
        }
        boolean directory = stat.directory();
        String name = location.isRoot() ? lastSegment(workspace.visibleRoot()) : location.name();
        ObjectNode out = Json.object().put("exists", true).put("path", path)
                .put("absolutePath", location.visible()).put("name", name)
                .put("directory", location.isRoot() ? parentOf(location.visible()) : location.parent().visible());
        if (directory) {
            out.putNull("extension").put("type", "directory").putNull("mimeType");
        } else {
            out.put("extension", nodeExtension(name)).put("type", "file").put("mimeType", mimeType(name));
        }
        out.put("size", stat.size()).put("sizeFormatted", formatSize(stat.size()))
                .put("created", ISO_MILLIS.format(stat.created())).put("modified", ISO_MILLIS.format(stat.modified()))
                .put("accessed", ISO_MILLIS.format(stat.accessed()));
        out.putObject("permissions").put("readable", true).put("writable", stat.ownerWritable())
                .put("executable", stat.ownerExecutable());
        return out;
    }

    public ObjectNode listDirectory(Arguments args) throws ToolFailure {
        String path = args.string("path");
        Location location = locate(path);
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("Directory " + path + " does not exist.");
        }
        if (!stat.directory()) {
            throw new ToolFailure("Path " + path + " is not a directory.");
        }
        List<Entry> entries;
        try {
            entries = new ArrayList<>(files.list(location.parts()));
        } catch (FsException e) {
            throw failure(e, location);
        }
        entries.removeIf(e -> workspace.hidden(location, e.name()));
        entries.sort(Comparator.comparing(Entry::name, FileTools::compareCodePoints));
        ObjectNode out = Json.object().put("path", location.visible());
        ArrayNode items = out.putArray("items");
        for (Entry entry : entries) {
            Stat s = entry.stat();
            String type = switch (s.type()) {
                case DIRECTORY -> "directory";
                case SYMLINK -> "symlink";
                default -> "file";
            };
            items.addObject().put("name", entry.name()).put("path", entry.name()).put("type", type)
                    .put("size", s.type() == Stat.Type.SYMLINK ? 0 : s.size())
                    .put("modified", ISO_MILLIS.format(s.modified()));
        }
        return out;
    }

    public ObjectNode createDirectory(Arguments args) throws ToolFailure {
        String path = args.string("path");
        Location location = locateForChange(path);
        if (stat(location) != null) {
            throw new ToolFailure("Directory " + path + " already exists");
        }
        Location parent = location.parent();
        Stat parentStat = stat(parent);
        if (parentStat != null && !parentStat.ownerWritable()) {
            throw new ToolFailure("Parent directory " + parent.visible() + " is not writable");
        }
        try {
            files.createDirectories(location.parts());
        } catch (FsException e) {
            throw failure(e, location);
        }
        return Json.object().put("path", location.visible());
    }

    public ObjectNode deleteDirectory(Arguments args) throws ToolFailure {
        String path = args.string("path");
        boolean recursive = args.flag("recursive", false);
        Location location = locateForChange(path);
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("Directory " + path + " does not exist.");
        }
        if (!stat.directory()) {
            throw new ToolFailure("Path " + path + " is not a directory. Use deleteFile tool instead.");
        }
        if (!stat.ownerWritable()) {
            throw new ToolFailure("Directory " + path + " is not writable");
        }
        if (location.isRoot()) {
            throw new ToolFailure("Access denied - the workspace root cannot be deleted");
        }
        String notEmpty = "Directory " + path + " is not empty. Set recursive to true to delete it.";
        try {
            if (!recursive && !files.list(location.parts()).isEmpty()) {
                throw new ToolFailure(notEmpty);
            }
            files.deleteDirectory(location.parts(), recursive);
        } catch (FsException e) {
            if (e.errno() == FsException.ENOTEMPTY) {
                throw new ToolFailure(notEmpty);
            }
            throw failure(e, location);
        }
        return Json.object().put("path", location.visible());
    }

    /** Validates {@code exec}'s working directory like a file path (§4) and returns it. */
    public Location directory(String path) throws ToolFailure {
        Location location = locate(path);
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("Directory " + path + " does not exist.");
        }
        if (!stat.directory()) {
            throw new ToolFailure("Path " + path + " is not a directory.");
        }
        return location;
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

    private static String lastSegment(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    static String iso(Instant instant) {
        return ISO_MILLIS.format(instant);
    }
}
