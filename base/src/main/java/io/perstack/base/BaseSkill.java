package io.perstack.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.Workspace;
import io.perstack.base.tools.Arguments;
import io.perstack.base.tools.BaseTool;
import io.perstack.base.tools.ToolCatalog;
import io.perstack.base.tools.ToolFailure;
import io.perstack.base.tools.ToolOutput;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.CompletionOutcome;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.core.tool.ToolDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seventeen tools of {@code @perstack/base} (docs/base-skill.md), dispatched by name to the declarations of
 * {@link ToolCatalog}. Stateless apart from the open workspace: the todo list is passed into and returned from each
 * call, so one instance serves parallel delegates. Failures are results ({@code {"error":"Error","message":…}}),
 * never exceptions.
 */
public final class BaseSkill implements AutoCloseable {
    private final Workspace workspace;
    private final Map<String, BaseTool> byName = new LinkedHashMap<>();
    private final List<ToolDefinition> tools;

    private BaseSkill(BaseSkillOptions options, Workspace workspace) {
        this.workspace = workspace;
        for (BaseTool tool : ToolCatalog.tools(new ToolCatalog.Setup(workspace, options.inlineMedia(),
                options.launcher(), options.environment(), System.err::println))) {
            byName.put(tool.name(), tool);
        }
        this.tools = byName.values().stream().map(ToolCatalog::definition).toList();
    }

    /**
     * Links the native calls the file tools make (openat2 and friends), which takes tens of milliseconds; a process
     * may call this early on another thread so that opening the workspace later finds them ready.
     */
    public static void linkNativeCalls() {
        Workspace.linkNativeCalls();
    }

    /** Opens the workspace with the strongest confinement the platform offers. */
    public static BaseSkill create(BaseSkillOptions options) {
        return create(options, Workspace.Confinement.AUTO);
    }

    public static BaseSkill create(BaseSkillOptions options, Workspace.Confinement confinement) {
        try {
            return new BaseSkill(options, Workspace.open(options.workspaceRoot(), options.modelVisibleRoot(),
                    options.deniedPaths(), options.maskedEnvFiles(), options.protectedPaths(), confinement));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open workspace " + options.workspaceRoot(), e);
        }
    }

    public List<ToolDefinition> tools() {
        return tools;
    }

    /**
     * Whether {@code toolName} reads or changes the conversation's todo list, so a host serialises its calls on the
     * list ({@code todo}, {@code clearTodo}, {@code attemptCompletion}); the tools declare it themselves.
     */
    public boolean usesTodos(String toolName) {
        BaseTool tool = byName.get(toolName);
        return tool != null && tool.usesTodos();
    }

    /** The root the model sees. */
    public String modelVisibleRoot() {
        return workspace.visibleRoot();
    }

    /**
     * Runs one tool.
     *
     * @param todos the conversation's todo list before the call
     */
    public BaseToolResult call(String toolName, JsonNode args, Todo todos) {
        Arguments arguments = new Arguments(args);
        try {
            BaseTool tool = byName.get(toolName);
            if (tool == null) {
                throw new ToolFailure("Tool " + toolName + " not found");
            }
            return switch (tool.call(arguments, todos)) {
                case ToolOutput.Text t -> text(t.json(), todos, t.isError(), null);
                case ToolOutput.Part p -> new BaseToolResult(List.of(p.part()), todos, false);
                case ToolOutput.TodosChanged c -> text(c.json(), c.todos(), false, null);
                case ToolOutput.Completion c -> text(c.json(), todos, false, c.outcome());
            };
        } catch (ToolFailure e) {
            return text(Json.object().put("error", "Error").put("message", e.getMessage()), todos, true, null);
        } catch (RuntimeException e) {
            // A defect must not end the run: the model sees a failed call and the stack goes to stderr.
            e.printStackTrace(System.err);
            return text(Json.object().put("error", "Error").put("message", "Internal error in " + toolName + ": "
                    + e), todos, true, null);
        }
    }

    private static BaseToolResult text(ObjectNode json, Todo todos, boolean isError, CompletionOutcome completion) {
        return new BaseToolResult(List.of(new MessagePart.TextPart(Ids.next(), Json.write(json))), todos, isError,
                completion);
    }

    /** Releases the workspace descriptor. */
    @Override
    public void close() {
        workspace.close();
    }
}
