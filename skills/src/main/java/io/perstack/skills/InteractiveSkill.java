package io.perstack.skills;

import io.perstack.core.tool.ToolDefinition;
import java.util.List;

/** Tools answered by a human; calling one stops the run (docs/runtime.md §11). Coordinator runs only. */
public record InteractiveSkill(String name, List<ToolDefinition> tools) implements Skill {
    public InteractiveSkill {
        tools = List.copyOf(tools);
    }
}
