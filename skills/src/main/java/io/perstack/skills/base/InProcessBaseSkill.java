package io.perstack.skills.base;

import io.perstack.base.BaseSkill;
import io.perstack.base.BaseToolResult;
import io.perstack.base.tools.AttemptCompletionTool;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.skills.ToolCallContext;
import io.perstack.skills.ToolFilter;
import io.perstack.skills.ToolSkill;
import java.util.List;

/** {@code @perstack/base} in the runtime process. Todo-changing tools run under the context's todo lock. */
public final class InProcessBaseSkill implements ToolSkill {
    public static final String NAME = "@perstack/base";
    /** The tool whose outcome the loop reads from {@link ToolCallContext#takeCompletion}. */
    public static final String ATTEMPT_COMPLETION = AttemptCompletionTool.NAME;

    private final BaseSkill base;
    private final List<ToolDefinition> tools;

    public InProcessBaseSkill(BaseSkillHost host, List<String> pick, List<String> omit) {
        this.base = host.skill();
        this.tools = ToolFilter.apply(base.tools(), pick, omit);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ToolDefinition> tools() {
        return tools;
    }

    @Override
    public ToolResult call(ToolCall call, ToolCallContext context) {
        BaseToolResult[] out = new BaseToolResult[1];
        if (base.usesTodos(call.toolName())) {
            context.updateTodos(todos -> {
                out[0] = base.call(call.toolName(), call.args(), todos);
                return out[0].todos();
            });
        } else {
            out[0] = base.call(call.toolName(), call.args(), context.todos());
        }
        out[0].completionOutcome().ifPresent(outcome -> context.recordCompletion(call.id(), outcome));
        return new ToolResult(call.id(), call.skillName(), call.toolName(), out[0].contents(),
                out[0].isError() ? Boolean.TRUE : null);
    }
}
