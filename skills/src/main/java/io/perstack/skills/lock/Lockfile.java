package io.perstack.skills.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.perstack.core.json.Json;
import io.perstack.core.tool.ToolDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code perstack.lock} (docs/configuration.md §9): TOML, written by {@code perstack install} next to the config it read.
 *
 * @param configPath   file name of the config (basename only)
 * @param configDigest {@code sha256:<hex>} of the config bytes; {@code null} in locks without it
 * @param npmPackages  the exact version each {@code npx} skill package ran with at install time, by the package as
 *                     the skill names it ({@code name@range}); a run installs and runs that version
 */
public record Lockfile(String version, long generatedAt, String configPath, String configDigest,
                       Map<String, LockedExpert> experts, Map<String, String> npmPackages) {
    public static final String FILE_NAME = "perstack.lock";
    public static final String FORMAT_VERSION = "1";
    /** SR-36: a larger lock is refused before it is parsed. */
    public static final long MAX_BYTES = 16L * 1024 * 1024;

    private static final TomlMapper TOML = new TomlMapper();

    public Lockfile {
        experts = experts == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(experts));
        npmPackages = npmPackages == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.TreeMap<>(npmPackages));
    }

    /** Without package versions (every {@code npx} skill names its own, or is resolved when it runs). */
    public Lockfile(String version, long generatedAt, String configPath, String configDigest,
                    Map<String, LockedExpert> experts) {
        this(version, generatedAt, configPath, configDigest, experts, null);
    }

    /** A lock that cannot be used; the message is the reason shown after {@code Ignoring perstack.lock: }. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ reading

    public static Lockfile read(Path file) throws Invalid {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        } catch (IOException e) {
            throw new Invalid("cannot read " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw new Invalid("the file is larger than " + MAX_BYTES + " bytes");
        }
        return parse(new String(bytes, StandardCharsets.UTF_8));
    }

    public static Lockfile parse(String toml) throws Invalid {
        JsonNode root;
        try {
            root = TOML.readTree(toml);
        } catch (IOException | RuntimeException e) {
            throw new Invalid("not valid TOML: " + firstLine(e.getMessage()));
        }
        try {
            if (!FORMAT_VERSION.equals(root.path("version").asText(null))) {
                throw new Invalid("unsupported version " + root.path("version"));
            }
            Map<String, LockedExpert> experts = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("experts").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                experts.put(e.getKey(), expert(e.getKey(), e.getValue()));
            }
            Map<String, String> packages = new LinkedHashMap<>();
            root.path("npmPackages").fields().forEachRemaining(p -> {
                if (p.getValue().isTextual()) {
                    packages.put(p.getKey(), p.getValue().asText());
                }
            });
            return new Lockfile(FORMAT_VERSION, root.path("generatedAt").asLong(), text(root, "configPath"),
                    text(root, "configDigest"), experts, packages);
        } catch (RuntimeException e) {
            throw new Invalid(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static LockedExpert expert(String key, JsonNode e) {
        if (!e.path("instruction").isTextual() || !e.path("name").isTextual()) {
            throw new IllegalArgumentException("expert " + key + " lacks name or instruction");
        }
        Map<String, ObjectNode> skills = new LinkedHashMap<>();
        e.path("skills").fields().forEachRemaining(s -> {
            if (!s.getValue().isObject()) {
                throw new IllegalArgumentException("skill " + s.getKey() + " of " + key + " is not a table");
            }
            skills.put(s.getKey(), (ObjectNode) s.getValue());
        });
        List<ToolDefinition> tools = new ArrayList<>();
        for (JsonNode t : e.path("toolDefinitions")) {
            tools.add(new ToolDefinition(t.path("skillName").asText(), t.path("name").asText(),
                    text(t, "description"), t.has("inputSchema") ? t.get("inputSchema") : Json.object()));
        }
        return new LockedExpert(text(e, "key") == null ? key : text(e, "key"), text(e, "name"),
                e.path("version").asText("1.0.0"), text(e, "minRuntimeVersion"), text(e, "description"),
                text(e, "instruction"), strings(e.path("delegates")), strings(e.path("tags")), skills, tools,
                text(e, "source"), text(e, "digest"), text(e, "resolvedKey"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    // ------------------------------------------------------------------ writing

    /**
     * The lock as the TypeScript implementation writes it: double-quoted strings, and per table the keys in the order
     * built here ({@code version}, {@code generatedAt}, {@code configPath}, then each Expert's {@code key},
     * {@code name}, {@code version}, {@code description}, {@code instruction}, {@code delegates}, {@code tags}, its
     * skills' tables and its {@code [[toolDefinitions]]}); the keys this implementation adds follow the original's.
     */
    public String toToml() {
        ObjectNode root = Json.object().put("version", version).put("generatedAt", generatedAt)
                .put("configPath", configPath);
        if (configDigest != null) {
            root.put("configDigest", configDigest);
        }
        if (!npmPackages.isEmpty()) {
            ObjectNode packages = root.putObject("npmPackages");
            npmPackages.forEach(packages::put);
        }
        ObjectNode all = root.putObject("experts");
        experts.forEach((key, e) -> {
            ObjectNode n = all.putObject(key).put("key", e.key()).put("name", e.name()).put("version", e.version());
            if (e.minRuntimeVersion() != null) {
                n.put("minRuntimeVersion", e.minRuntimeVersion());
            }
            if (e.description() != null) {
                n.put("description", e.description());
            }
            n.put("instruction", e.instruction());
            n.set("delegates", Json.mapper().valueToTree(e.delegates()));
            n.set("tags", Json.mapper().valueToTree(e.tags()));
            ObjectNode skills = n.putObject("skills");
            e.skills().forEach(skills::set);
            ArrayNode tools = n.putArray("toolDefinitions");
            for (ToolDefinition t : e.toolDefinitions()) {
                ObjectNode tn = tools.addObject().put("skillName", t.skillName()).put("name", t.name());
                if (t.description() != null) {
                    tn.put("description", t.description());
                }
                tn.set("inputSchema", t.inputSchema() == null ? Json.object() : t.inputSchema());
            }
            if (e.source() != null) {
                n.put("source", e.source());
            }
            if (e.digest() != null) {
                n.put("digest", e.digest());
            }
            if (e.resolvedKey() != null) {
                n.put("resolvedKey", e.resolvedKey());
            }
        });
        // TOML has no null: schema members that are JSON null are left out.
        return TomlWriter.write((ObjectNode) withoutNulls(root));
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = Json.object();
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    copy.set(e.getKey(), withoutNulls(e.getValue()));
                }
            });
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = Json.mapper().createArrayNode();
            node.forEach(v -> {
                if (!v.isNull()) {
                    copy.add(withoutNulls(v));
                }
            });
            return copy;
        }
        return node;
    }

    /** Writes atomically: a reader sees the old lock or the new one, never a part. */
    public void write(Path file) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".perstack.lock", ".tmp");
        try {
            Files.writeString(tmp, toToml(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
