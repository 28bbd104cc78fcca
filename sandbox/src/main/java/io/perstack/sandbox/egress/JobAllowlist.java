package io.perstack.sandbox.egress;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.policy.DomainRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The allowlist of one job (docs/isolation.md §5.1): the union of {@code allowedDomains} of every MCP skill of every
 * Expert the job can reach from its coordinator through delegation, plus the package registries a stdio skill
 * needs when it is started through {@code npx} or {@code uvx}. Provider and Perstack registry domains are never
 * added: those calls are made by the runtime on the host.
 */
public final class JobAllowlist {
    /** The base skill is served in the runtime process even though its nominal command is {@code npx}. */
    private static final String BASE_SKILL = "@perstack/base";

    private JobAllowlist() {}

    public static List<String> of(String coordinator, Map<String, ExpertConfig> experts) {
        Set<String> entries = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(coordinator));
        while (!pending.isEmpty()) {
            String key = pending.pop();
            ExpertConfig expert = experts.get(key);
            if (expert == null || !seen.add(key)) {
                continue;
            }
            pending.addAll(expert.delegates());
            for (SkillConfig skill : expert.effectiveSkills().values()) {
                if (BASE_SKILL.equals(skill.name())) {
                    continue;
                }
                entries.addAll(skill.allowedDomains());
                if (skill instanceof SkillConfig.McpStdio stdio) {
                    switch (commandName(stdio.command())) {
                        case "npx" -> entries.add("registry.npmjs.org");
                        case "uvx" -> {
                            entries.add("pypi.org");
                            entries.add("files.pythonhosted.org");
                        }
                        default -> { }
                    }
                }
            }
        }
        return DomainRules.normaliseAll(new ArrayList<>(entries));
    }

    private static String commandName(String command) {
        if (command == null) {
            return "";
        }
        return command.substring(command.lastIndexOf('/') + 1);
    }
}
