package io.perstack.skills.lock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.tool.ToolDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code experts."<key>"} entry of the lock (docs/configuration.md §9).
 *
 * @param skills          normalised skill tables by name
 * @param toolDefinitions every tool the Expert's skills offered at install time, after pick/omit
 * @param source          {@code local} or {@code registry}; {@code null} in locks written by the TypeScript CLI
 * @param digest          {@code sha256:<hex>} of the canonical definition; {@code null} = unverified
 * @param resolvedKey     for registry entries, the exact {@code name@version}
 */
public record LockedExpert(String key, String name, String version, String minRuntimeVersion, String description,
                           String instruction, List<String> delegates, List<String> tags,
                           Map<String, ObjectNode> skills, List<ToolDefinition> toolDefinitions, String source,
                           String digest, String resolvedKey) {
    public static final String LOCAL = "local";
    public static final String REGISTRY = "registry";

    public LockedExpert {
        delegates = delegates == null ? List.of() : List.copyOf(delegates);
        tags = tags == null ? List.of() : List.copyOf(tags);
        skills = skills == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(skills));
        toolDefinitions = toolDefinitions == null ? List.of() : List.copyOf(toolDefinitions);
    }

    /** The entry for a local Expert and the tools its skills offered. */
    public static LockedExpert local(ExpertConfig expert, List<ToolDefinition> tools) {
        return new LockedExpert(expert.key(), expert.name(), expert.version(), expert.minRuntimeVersion(),
                expert.description(), expert.instruction(), expert.delegates(), expert.tags(),
                ExpertDefinitions.skillTables(expert), tools, LOCAL, ExpertDefinitions.digest(expert), null);
    }

    /** The digest of the definition as recorded here. */
    public String recomputedDigest() {
        var skillsNode = io.perstack.core.json.Json.object();
        skills.forEach(skillsNode::set);
        return ExpertDefinitions.digest(name, version, minRuntimeVersion, description, instruction, skillsNode,
                delegates);
    }

    /** The Expert as recorded (registry Experts run from the lock without contacting the registry). */
    public ExpertConfig toExpertConfig() {
        Map<String, SkillConfig> configs = new LinkedHashMap<>();
        skills.forEach((skillName, table) -> configs.put(skillName, ExpertDefinitions.skill(skillName, table)));
        return new ExpertConfig(key, name, version, minRuntimeVersion, description, instruction, delegates, tags,
                configs, List.of(), null, null);
    }

    /** Tool definitions grouped by skill name, as {@link io.perstack.skills.mcp.McpSetup#lockedTools()} wants them. */
    public Map<String, List<ToolDefinition>> toolsBySkill() {
        Map<String, List<ToolDefinition>> out = new LinkedHashMap<>();
        for (ToolDefinition t : toolDefinitions) {
            out.computeIfAbsent(t.skillName(), k -> new java.util.ArrayList<>()).add(t);
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return out;
    }
}
