package io.perstack.skills;

import io.perstack.core.tool.ToolDefinition;
import java.util.List;

/** A source of tools for one run segment (docs/skills.md). The three kinds are handled differently by the loop. */
public sealed interface Skill extends AutoCloseable permits ToolSkill, DelegateSkill, InteractiveSkill {
    /** The skill's name; tool calls carry it as {@code skillName}. */
    String name();

    /** Tool definitions after pick/omit. */
    List<ToolDefinition> tools();

    /** Closing is bounded and never throws. */
    @Override
    default void close() {}
}
