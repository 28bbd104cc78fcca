package io.perstack.skills.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expert definitions in the normalised form the lock records, and their digest (docs/configuration.md §9):
 * {@code sha256:} + hex SHA-256 of the JCS form of {@code {name, version, minRuntimeVersion, description,
 * instruction, skills, delegates}} with absent optional fields left out.
 */
public final class ExpertDefinitions {
    private ExpertDefinitions() {}

    /** The skill tables of {@code expert} (the default base skill when its table is absent), in file order. */
    public static Map<String, ObjectNode> skillTables(ExpertConfig expert) {
        Map<String, ObjectNode> tables = new LinkedHashMap<>();
        expert.effectiveSkills().forEach((name, skill) -> tables.put(name, table(skill)));
        return tables;
    }

    /** One skill with every defaultable field filled in, so the text of the lock does not depend on omissions. */
    public static ObjectNode table(SkillConfig skill) {
        ObjectNode t = Json.object().put("name", skill.name());
        switch (skill) {
            case SkillConfig.McpStdio s -> {
                t.put("type", "mcpStdioSkill");
                common(t, s);
                t.put("command", s.command());
                if (s.packageName() != null) {
                    t.put("packageName", s.packageName());
                }
                t.set("args", strings(s.args()));
                t.set("requiredEnv", strings(s.requiredEnv()));
                domains(t, s);
                t.put("lazyInit", s.lazyInit());
            }
            case SkillConfig.McpSse s -> {
                t.put("type", "mcpSseSkill");
                common(t, s);
                t.put("endpoint", s.endpoint());
                domains(t, s);
            }
            case SkillConfig.McpStreamableHttp s -> {
                t.put("type", "mcpStreamableHttpSkill");
                common(t, s);
                t.put("endpoint", s.endpoint());
                domains(t, s);
            }
            case SkillConfig.Interactive s -> {
                t.put("type", "interactiveSkill");
                common(t, s);
                ObjectNode tools = t.putObject("tools");
                s.tools().forEach((name, tool) -> {
                    ObjectNode entry = tools.putObject(name);
                    if (tool.description() != null) {
                        entry.put("description", tool.description());
                    }
                    entry.put("inputJsonSchema", tool.inputJsonSchema());
                });
            }
        }
        return t;
    }

    private static void common(ObjectNode t, SkillConfig s) {
        if (s.description() != null) {
            t.put("description", s.description());
        }
        if (s.rule() != null) {
            t.put("rule", s.rule());
        }
        if (!(s instanceof SkillConfig.Interactive)) {
            t.set("pick", strings(s.pick()));
            t.set("omit", strings(s.omit()));
        }
    }

    private static void domains(ObjectNode t, SkillConfig s) {
        if (!s.allowedDomains().isEmpty()) {
            t.set("allowedDomains", strings(s.allowedDomains()));
        }
    }

    private static JsonNode strings(List<String> values) {
        return Json.mapper().valueToTree(values);
    }

    /**
     * A skill from its table (registry Experts are used from the lock as recorded).
     *
     * @throws IllegalArgumentException for an unknown type or a missing required field
     */
    public static SkillConfig skill(String name, JsonNode t) {
        String type = t.path("type").asText();
        String description = text(t, "description");
        String rule = text(t, "rule");
        return switch (type) {
            case "mcpStdioSkill" -> new SkillConfig.McpStdio(name, description, rule, list(t, "pick"),
                    list(t, "omit"), required(t, "command"), text(t, "packageName"), list(t, "args"),
                    list(t, "requiredEnv"), list(t, "allowedDomains"), t.path("lazyInit").asBoolean(false));
            case "mcpSseSkill" -> new SkillConfig.McpSse(name, description, rule, list(t, "pick"), list(t, "omit"),
                    required(t, "endpoint"), list(t, "allowedDomains"));
            case "mcpStreamableHttpSkill" -> new SkillConfig.McpStreamableHttp(name, description, rule,
                    list(t, "pick"), list(t, "omit"), required(t, "endpoint"), list(t, "allowedDomains"));
            case "interactiveSkill" -> {
                Map<String, SkillConfig.InteractiveTool> tools = new LinkedHashMap<>();
                t.path("tools").fields().forEachRemaining(e -> tools.put(e.getKey(),
                        new SkillConfig.InteractiveTool(text(e.getValue(), "description"),
                                required(e.getValue(), "inputJsonSchema"))));
                yield new SkillConfig.Interactive(name, description, rule, tools);
            }
            default -> throw new IllegalArgumentException("skill " + name + " has unknown type \"" + type + "\"");
        };
    }

    private static String text(JsonNode t, String field) {
        JsonNode v = t.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    private static String required(JsonNode t, String field) {
        String v = text(t, field);
        if (v == null) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v;
    }

    private static List<String> list(JsonNode t, String field) {
        List<String> out = new ArrayList<>();
        t.path(field).forEach(v -> out.add(v.asText()));
        return out;
    }

    /** The digest of a local Expert's current definition. */
    public static String digest(ExpertConfig expert) {
        ObjectNode skills = Json.object();
        skillTables(expert).forEach(skills::set);
        return digest(expert.name(), expert.version(), expert.minRuntimeVersion(), expert.description(),
                expert.instruction(), skills, expert.delegates());
    }

    public static String digest(String name, String version, String minRuntimeVersion, String description,
                                String instruction, JsonNode skills, List<String> delegates) {
        ObjectNode d = Json.object().put("name", name).put("version", version);
        if (minRuntimeVersion != null) {
            d.put("minRuntimeVersion", minRuntimeVersion);
        }
        if (description != null) {
            d.put("description", description);
        }
        d.put("instruction", instruction);
        d.set("skills", skills);
        d.set("delegates", strings(delegates));
        return sha256(CanonicalJson.write(d));
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
