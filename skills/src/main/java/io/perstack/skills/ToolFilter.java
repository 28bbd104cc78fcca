package io.perstack.skills;

import io.perstack.core.tool.ToolDefinition;
import java.util.List;

/** pick/omit (docs/skills.md §6): drop names in {@code omit}, then keep only names in {@code pick}; empty = no-op. */
public final class ToolFilter {
    private ToolFilter() {}

    public static List<ToolDefinition> apply(List<ToolDefinition> tools, List<String> pick, List<String> omit) {
        return tools.stream()
                .filter(t -> omit.isEmpty() || !omit.contains(t.name()))
                .filter(t -> pick.isEmpty() || pick.contains(t.name()))
                .toList();
    }
}
