package io.perstack.core.config;

import java.util.List;
import java.util.Map;

/** One entry of {@code [experts."<key>".skills]}, discriminated by {@code type} (docs/configuration.md §6). */
public sealed interface SkillConfig {
    String name();

    String description();

    String rule();

    /** Names to keep (empty = all). */
    List<String> pick();

    /** Names to drop, applied before {@link #pick()}. */
    List<String> omit();

    /** Normalised egress allowlist entries (lower case, no trailing dot); empty when not given. */
    List<String> allowedDomains();

    /** An unmodifiable copy of a list field; an absent list is empty. */
    private static <T> List<T> copyOrEmpty(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    record McpStdio(String name, String description, String rule, List<String> pick, List<String> omit,
                    String command, String packageName, List<String> args, List<String> requiredEnv,
                    List<String> allowedDomains, boolean lazyInit) implements SkillConfig {
        /**
         * The skill an Expert gets when its {@code skills} table is absent (docs/configuration.md §6); the runtime serves it
         * in-process.
         */
        public static McpStdio defaultBase() {
            return new McpStdio("@perstack/base", "Base skill", null, List.of(), List.of(), "npx", null,
                    List.of("-y", "@perstack/base"), List.of(), List.of(), false);
        }

        public McpStdio {
            pick = copyOrEmpty(pick);
            omit = copyOrEmpty(omit);
            args = copyOrEmpty(args);
            requiredEnv = copyOrEmpty(requiredEnv);
            allowedDomains = copyOrEmpty(allowedDomains);
        }
    }

    record McpSse(String name, String description, String rule, List<String> pick, List<String> omit,
                  String endpoint, List<String> allowedDomains) implements SkillConfig {
        public McpSse {
            pick = copyOrEmpty(pick);
            omit = copyOrEmpty(omit);
            allowedDomains = copyOrEmpty(allowedDomains);
        }
    }

    record McpStreamableHttp(String name, String description, String rule, List<String> pick, List<String> omit,
                             String endpoint, List<String> allowedDomains) implements SkillConfig {
        public McpStreamableHttp {
            pick = copyOrEmpty(pick);
            omit = copyOrEmpty(omit);
            allowedDomains = copyOrEmpty(allowedDomains);
        }
    }

    record Interactive(String name, String description, String rule, Map<String, InteractiveTool> tools)
            implements SkillConfig {
        public Interactive {
            tools = tools == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tools));
        }

        @Override
        public List<String> pick() {
            return List.of();
        }

        @Override
        public List<String> omit() {
            return List.of();
        }

        @Override
        public List<String> allowedDomains() {
            return List.of();
        }
    }

    /** {@code inputJsonSchema} is the JSON Schema text as written in the file (validated to be a JSON object). */
    record InteractiveTool(String description, String inputJsonSchema) {}
}
