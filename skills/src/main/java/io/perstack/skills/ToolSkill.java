package io.perstack.skills;

import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;

/**
 * A skill whose tools are executed by the runtime: the in-process base skill or an MCP server. Calls of one step
 * run in parallel; a call never throws for tool failures, it answers with an error result.
 */
public non-sealed interface ToolSkill extends Skill {
    ToolResult call(ToolCall call, ToolCallContext context);
}
