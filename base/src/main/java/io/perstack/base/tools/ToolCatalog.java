package io.perstack.base.tools;

import io.perstack.base.fs.Workspace;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.core.tool.ToolDefinition;
import java.util.List;
import java.util.function.Consumer;

/**
 * The seventeen tools of {@code @perstack/base} (docs/base-skill.md §6) in the order they are offered. This list is the
 * one registration: the tool definitions the model sees and the dispatch of {@code BaseSkill} both come from it, so
 * adding a tool is one {@link BaseTool} class and one line here.
 */
public final class ToolCatalog {
    public static final String SKILL_NAME = "@perstack/base";

    private ToolCatalog() {}

    /**
     * What the tools act on.
     *
     * @param inlineMedia in-process mode returns images and PDFs as inline parts (docs/base-skill.md §7)
     * @param launcher    the isolation backend's launcher for {@code exec}; {@code null} disables {@code exec}
     * @param diagnostics where {@code exec} reports dropped protected names (stderr, never the model)
     */
    public record Setup(Workspace workspace, boolean inlineMedia, ProcessLauncher launcher,
                        EnvironmentPolicy environment, Consumer<String> diagnostics) {}

    /** Every base tool, bound to one workspace. */
    public static List<BaseTool> tools(Setup setup) {
        FileSupport files = new FileSupport(setup.workspace(), setup.inlineMedia());
        return List.of(
                new AttemptCompletionTool(),
                new TodoTool(),
                new ClearTodoTool(),
                new HealthCheckTool(setup.workspace()),
                new ExecTool(setup.workspace(), files, setup.launcher(), setup.environment(), setup.diagnostics()),
                new ReadTextFileTool(files),
                new ReadImageFileTool(files),
                new ReadPdfFileTool(files),
                new WriteTextFileTool(files),
                new AppendTextFileTool(files),
                new EditTextFileTool(files),
                new MoveFileTool(files),
                new DeleteFileTool(files),
                new GetFileInfoTool(files),
                new ListDirectoryTool(files),
                new CreateDirectoryTool(files),
                new DeleteDirectoryTool(files));
    }

    /** What the model is offered for one tool. */
    public static ToolDefinition definition(BaseTool tool) {
        return new ToolDefinition(SKILL_NAME, tool.name(), tool.description(), tool.inputSchema());
    }
}
