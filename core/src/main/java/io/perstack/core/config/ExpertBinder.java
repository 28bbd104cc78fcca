package io.perstack.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import io.perstack.core.policy.DomainRules;
import io.perstack.core.policy.ProtectedVariables;
import io.perstack.core.policy.UrlRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/** {@code [experts."<key>"]} and their skills (docs/configuration.md §5, §6), reporting into the shared {@link TomlFields}. */
final class ExpertBinder {
    static final String BASE_SKILL = "@perstack/base";
    static final List<String> SKILL_TYPES =
            List.of("mcpStdioSkill", "mcpSseSkill", "interactiveSkill", "mcpStreamableHttpSkill");

    private static final int DESCRIPTION_MAX = 2048;
    private static final int INSTRUCTION_MAX = 20480;
    private static final int LIST_MAX = 255;
    private static final int TAGS_MAX = 8;
    private static final int NAME_MAX = 255;
    private static final int SCHEMA_MAX = 20480;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final TomlFields fields;

    ExpertBinder(TomlFields fields) {
        this.fields = fields;
    }

    Map<String, ExpertConfig> experts(TomlTable root) {
        TomlTable table = fields.table(root, KeyPath.ROOT, "experts");
        Map<String, ExpertConfig> experts = new LinkedHashMap<>();
        if (table == null) {
            return experts;
        }
        KeyPath at = KeyPath.ROOT.child("experts");
        for (String key : table.keySet()) {
            KeyPath e = at.child(key);
            if (key.length() > Identifiers.EXPERT_KEY_MAX) {
                fields.problem(e, "Expert key must be at most " + Identifiers.EXPERT_KEY_MAX + " characters");
            } else if (!Identifiers.isExpertKey(key)) {
                fields.problem(e, "Invalid Expert key \"" + key + "\"");
            }
            // The body is checked even under a bad key so one run of the loader reports everything.
            TomlTable body = fields.table(table, at, key);
            if (body != null) {
                experts.put(key, expert(key, body, e));
            }
        }
        return experts;
    }

    private ExpertConfig expert(String key, TomlTable t, KeyPath at) {
        String version = fields.string(t, at, "version");
        if (version != null && !Identifiers.isVersion(version)) {
            fields.problem(at.child("version"), "Invalid version \"" + version + "\" (expected semver such as 1.0.0)");
        }
        String minRuntimeVersion = fields.string(t, at, "minRuntimeVersion");
        String description = fields.string(t, at, "description", 1, DESCRIPTION_MAX, false);
        String instruction = fields.string(t, at, "instruction", 1, INSTRUCTION_MAX, true);
        List<String> delegates = fields.strings(t, at, "delegates", LIST_MAX, (p, d) -> {
            if (!Identifiers.isExpertKey(d)) {
                fields.problem(p, "Invalid Expert key \"" + d + "\"");
            }
        });
        List<String> tags = fields.strings(t, at, "tags", TAGS_MAX, (p, tag) -> {
            if (!Identifiers.isTag(tag)) {
                fields.problem(p, "Invalid tag \"" + tag + "\"");
            }
        });
        Map<String, SkillConfig> skills = skills(t, at);
        List<String> providerTools = fields.strings(t, at, "providerTools", Integer.MAX_VALUE);
        JsonNode providerSkills = providerSkills(t, at);
        JsonNode providerToolOptions = providerToolOptions(t, at);
        return new ExpertConfig(key, key, version, minRuntimeVersion, description, instruction, delegates, tags,
                skills, providerTools, providerSkills, providerToolOptions);
    }

    private Map<String, SkillConfig> skills(TomlTable expert, KeyPath parent) {
        TomlTable table = fields.table(expert, parent, "skills");
        if (table == null) {
            return null;
        }
        KeyPath at = parent.child("skills");
        if (table.size() > LIST_MAX) {
            fields.problem(at, "Must have at most " + LIST_MAX + " skills (got " + table.size() + ")");
        }
        Map<String, SkillConfig> skills = new LinkedHashMap<>();
        for (String name : table.keySet()) {
            KeyPath s = at.child(name);
            checkName(s, "Skill", name);
            TomlTable body = fields.table(table, at, name);
            if (body != null) {
                SkillConfig skill = skill(name, body, s);
                if (skill != null) {
                    skills.put(name, skill);
                }
            }
        }
        return skills;
    }

    private SkillConfig skill(String name, TomlTable t, KeyPath at) {
        String type = fields.oneOf(t, at, "type", SKILL_TYPES, true);
        if (type == null) {
            return null; // Without a known type there is no schema to check the other fields against.
        }
        String description = fields.string(t, at, "description", 0, DESCRIPTION_MAX, false);
        String rule = fields.string(t, at, "rule", 0, DESCRIPTION_MAX, false);
        if (type.equals("interactiveSkill")) {
            return new SkillConfig.Interactive(name, description, rule, interactiveTools(name, t, at));
        }
        List<String> pick = toolNames(t, at, "pick");
        List<String> omit = toolNames(t, at, "omit");
        List<String> allowedDomains = allowedDomains(t, at);
        if (type.equals("mcpStdioSkill")) {
            String command = fields.string(t, at, "command", 1, Integer.MAX_VALUE, true);
            String packageName = fields.string(t, at, "packageName");
            List<String> args = fields.strings(t, at, "args", Integer.MAX_VALUE);
            List<String> requiredEnv = requiredEnv(name, t, at);
            Boolean lazyInit = fields.bool(t, at, "lazyInit");
            // The base skill must be ready before the first generation, whatever the file says (docs/configuration.md §6.1).
            boolean lazy = !name.equals(BASE_SKILL) && Boolean.TRUE.equals(lazyInit);
            return new SkillConfig.McpStdio(name, description, rule, pick, omit, command, packageName, args,
                    requiredEnv, allowedDomains, lazy);
        }
        String endpoint = fields.requiredString(t, at, "endpoint");
        if (endpoint != null) {
            UrlRules.problemWithEndpoint(endpoint).ifPresent(p -> fields.problem(at.child("endpoint"), p));
        }
        return type.equals("mcpSseSkill")
                ? new SkillConfig.McpSse(name, description, rule, pick, omit, endpoint, allowedDomains)
                : new SkillConfig.McpStreamableHttp(name, description, rule, pick, omit, endpoint, allowedDomains);
    }

    /** A skill's or an interactive tool's own name: not empty, at most {@link #NAME_MAX} characters. */
    private void checkName(KeyPath at, String what, String name) {
        if (name.isEmpty()) {
            fields.problem(at, what + " name must not be empty");
        } else if (name.length() > NAME_MAX) {
            fields.problem(at, what + " name must be at most " + NAME_MAX + " characters");
        }
    }

    private List<String> toolNames(TomlTable t, KeyPath parent, String key) {
        return fields.strings(t, parent, key, LIST_MAX, (at, name) -> {
            if (name.length() > NAME_MAX) {
                fields.problem(at, "Tool name must be at most " + NAME_MAX + " characters");
            }
        });
    }

    private List<String> requiredEnv(String skill, TomlTable t, KeyPath parent) {
        return fields.strings(t, parent, "requiredEnv", LIST_MAX, (at, n) -> {
            if (!Identifiers.isEnvName(n)) {
                fields.problem(at, "Invalid environment variable name \"" + n + "\"");
            } else if (ProtectedVariables.isProtected(n)) {
                fields.problem(at, "Skill " + skill + " may not request protected variable " + n);
            }
        });
    }

    private List<String> allowedDomains(TomlTable t, KeyPath parent) {
        List<String> valid = new ArrayList<>();
        List<String> entries = fields.strings(t, parent, "allowedDomains", Integer.MAX_VALUE, (at, entry) ->
                DomainRules.problemWithPattern(entry)
                        .ifPresentOrElse(p -> fields.problem(at, p), () -> valid.add(entry)));
        return entries == null ? null : DomainRules.normaliseAll(valid);
    }

    private Map<String, SkillConfig.InteractiveTool> interactiveTools(String skill, TomlTable t, KeyPath parent) {
        if (TomlFields.raw(t, "tools") == null) {
            fields.problem(parent.child("tools"), "Required");
            return null;
        }
        TomlTable table = fields.table(t, parent, "tools");
        if (table == null) {
            return null;
        }
        KeyPath at = parent.child("tools");
        Map<String, SkillConfig.InteractiveTool> tools = new LinkedHashMap<>();
        for (String tool : table.keySet()) {
            KeyPath tp = at.child(tool);
            checkName(tp, "Tool", tool);
            TomlTable body = fields.table(table, at, tool);
            if (body == null) {
                continue;
            }
            String description = fields.string(body, tp, "description");
            String schema = fields.string(body, tp, "inputJsonSchema", 0, SCHEMA_MAX, true);
            if (schema != null) {
                schemaProblem(schema).ifPresent(reason -> fields.problem(tp.child("inputJsonSchema"),
                        "Skill " + skill + " tool " + tool + " has an invalid inputJsonSchema: " + reason));
            }
            tools.put(tool, new SkillConfig.InteractiveTool(description, schema));
        }
        return tools;
    }

    private static Optional<String> schemaProblem(String schema) {
        try {
            JsonNode node = Json.mapper().readTree(schema);
            if (node == null || !node.isObject()) {
                return Optional.of("not a JSON object");
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            // The original message has no "[Source: ...]" suffix, which would quote the schema back.
            return Optional.of(e.getOriginalMessage());
        }
    }

    /** {@code providerSkills}: accepted, validated and stored as JSON; generation does not use it yet. */
    private JsonNode providerSkills(TomlTable expert, KeyPath parent) {
        TomlArray array = fields.array(expert, parent, "providerSkills");
        if (array == null) {
            return null;
        }
        KeyPath at = parent.child("providerSkills");
        ArrayNode result = NODES.arrayNode();
        for (int i = 0; i < array.size(); i++) {
            KeyPath e = at.index(i);
            if (!(array.get(i) instanceof TomlTable t)) {
                fields.problem(e, "Expected table, received " + TomlFields.typeName(array.get(i)));
                continue;
            }
            String type = fields.oneOf(t, e, "type", List.of("builtin", "custom"), true);
            ObjectNode node = result.addObject();
            if ("builtin".equals(type)) {
                node.put("type", type);
                node.put("skillId", fields.oneOf(t, e, "skillId", List.of("pdf", "docx", "pptx", "xlsx"), true));
            } else if ("custom".equals(type)) {
                node.put("type", type);
                node.put("name", fields.string(t, e, "name", 1, Integer.MAX_VALUE, true));
                node.put("definition", fields.string(t, e, "definition", 1, Integer.MAX_VALUE, true));
            }
        }
        return result;
    }

    /** {@code providerToolOptions}: accepted, validated and stored as JSON; generation does not use it yet. */
    private JsonNode providerToolOptions(TomlTable expert, KeyPath parent) {
        TomlTable t = fields.table(expert, parent, "providerToolOptions");
        if (t == null) {
            return null;
        }
        KeyPath at = parent.child("providerToolOptions");
        ObjectNode result = NODES.objectNode();
        TomlTable webSearch = fields.table(t, at, "webSearch");
        if (webSearch != null) {
            ObjectNode node = result.putObject("webSearch");
            putPositive(node, webSearch, at.child("webSearch"), "maxUses");
            putStrings(node, webSearch, at.child("webSearch"), "allowedDomains");
        }
        TomlTable webFetch = fields.table(t, at, "webFetch");
        if (webFetch != null) {
            putPositive(result.putObject("webFetch"), webFetch, at.child("webFetch"), "maxUses");
        }
        TomlTable fileSearch = fields.table(t, at, "fileSearch");
        if (fileSearch != null) {
            ObjectNode node = result.putObject("fileSearch");
            putStrings(node, fileSearch, at.child("fileSearch"), "vectorStoreIds");
            putPositive(node, fileSearch, at.child("fileSearch"), "maxNumResults");
        }
        return result;
    }

    private void putPositive(ObjectNode node, TomlTable t, KeyPath at, String key) {
        Long v = fields.integer(t, at, key, 1, Integer.MAX_VALUE);
        if (v != null) {
            node.put(key, v.intValue()); // an int node, as when the same JSON is read from text
        }
    }

    private void putStrings(ObjectNode node, TomlTable t, KeyPath at, String key) {
        List<String> values = fields.strings(t, at, key, Integer.MAX_VALUE);
        if (values != null) {
            ArrayNode array = node.putArray(key);
            values.forEach(array::add);
        }
    }
}
