package io.perstack.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * {@code [experts."<key>"]} (docs/configuration.md §5). {@code skills} is {@code null} when the table is absent (the Expert then
 * gets the default base skill); otherwise it keeps file order. {@code version} defaults to {@code 1.0.0}.
 */
public record ExpertConfig(
        String key,
        String name,
        String version,
        String minRuntimeVersion,
        String description,
        String instruction,
        List<String> delegates,
        List<String> tags,
        Map<String, SkillConfig> skills,
        List<String> providerTools,
        JsonNode providerSkills,
        JsonNode providerToolOptions) {

    public static final String DEFAULT_VERSION = "1.0.0";

    public ExpertConfig {
        delegates = delegates == null ? List.of() : List.copyOf(delegates);
        tags = tags == null ? List.of() : List.copyOf(tags);
        skills = skills == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skills));
        providerTools = providerTools == null ? List.of() : List.copyOf(providerTools);
        version = version == null ? DEFAULT_VERSION : version;
    }

    /** The skills a run uses: the configured ones, or only the default base skill when the table is absent. */
    public Map<String, SkillConfig> effectiveSkills() {
        if (skills != null) {
            return skills;
        }
        SkillConfig.McpStdio base = SkillConfig.McpStdio.defaultBase();
        return Map.of(base.name(), base);
    }
}
