package io.perstack.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.Workspace;
import io.perstack.base.tools.Arguments;
import io.perstack.base.tools.ExecTool;
import io.perstack.base.tools.FileTools;
import io.perstack.base.tools.ToolCatalog;
import io.perstack.base.tools.ToolFailure;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.core.tool.ToolDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The seventeen tools of {@code @perstack/base} (docs/base-skill.md). Stateless apart from the open workspace: the todo
 * list is passed into and returned from each call, so one instance serves parallel delegates. Failures are results
 * ({@code {"error":"Error","message":…}}), never exceptions.
 */
public final class BaseSkill implements AutoCloseable {
    private final Workspace workspace;
    private final FileTools files;
    private final ExecTool exec;
    private final List<ToolDefinition> tools = ToolCatalog.definitions();

    private BaseSkill(BaseSkillOptions options, Workspace workspace) {
        this.workspace = workspace;
        this.files = new FileTools(workspace, options.inlineMedia());
        this.exec = new ExecTool(workspace, files, options.launcher(), options.environment(), System.err::println);
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
            return switch (toolName) {
                case "attemptCompletion" -> {
                    ObjectNode out = Json.object();
                    if (!todos.remaining().isEmpty()) {
                        out.set("remainingTodos", Json.mapper().valueToTree(todos.remaining()));
                    }
                    yield text(out, todos, false);
                }
                case "todo" -> {
                    Todo next = todos.add(arguments.strings("newTodos"), arguments.integers("completedTodos"));
                    yield text(todosJson(next), next, false);
                }
                case "clearTodo" -> text(todosJson(Todo.EMPTY), Todo.EMPTY, false);
                case "healthCheck" -> text(health(), todos, false);
                case "exec" -> {
                    ExecTool.Result result = exec.run(arguments);
                    yield text(result.json(), todos, result.isError());
                }
                case "readTextFile" -> text(files.readTextFile(arguments), todos, false);
                case "readImageFile" -> part(files.readImageFile(arguments), todos);
                case "readPdfFile" -> part(files.readPdfFile(arguments), todos);
                case "writeTextFile" -> text(files.writeTextFile(arguments), todos, false);
                case "appendTextFile" -> text(files.appendTextFile(arguments), todos, false);
                case "editTextFile" -> text(files.editTextFile(arguments), todos, false);
                case "moveFile" -> text(files.moveFile(arguments), todos, false);
                case "deleteFile" -> text(files.deleteFile(arguments), todos, false);
                case "getFileInfo" -> text(files.getFileInfo(arguments), todos, false);
                case "listDirectory" -> text(files.listDirectory(arguments), todos, false);
                case "createDirectory" -> text(files.createDirectory(arguments), todos, false);
                case "deleteDirectory" -> text(files.deleteDirectory(arguments), todos, false);
                default -> throw new ToolFailure("Tool " + toolName + " not found");
            };
        } catch (ToolFailure e) {
            return text(Json.object().put("error", "Error").put("message", e.getMessage()), todos, true);
        } catch (RuntimeException e) {
            // A defect must not end the run: the model sees a failed call and the stack goes to stderr.
            e.printStackTrace(System.err);
            return text(Json.object().put("error", "Error").put("message", "Internal error in " + toolName + ": "
                    + e), todos, true);
        }
    }

    private static ObjectNode todosJson(Todo todo) {
        ObjectNode out = Json.object();
        out.set("todos", Json.mapper().valueToTree(todo.items()));
        return out;
    }

    private ObjectNode health() {
        Runtime rt = Runtime.getRuntime();
        Instant started = ProcessHandle.current().info().startInstant().orElse(Instant.now());
        ObjectNode out = Json.object().put("status", "ok").put("workspace", workspace.visibleRoot())
                .put("uptime", Math.max(0, Duration.between(started, Instant.now()).toSeconds()) + "s");
        out.putObject("memory")
                .put("heapUsed", Math.round((rt.totalMemory() - rt.freeMemory()) / 1024.0 / 1024.0) + "MB")
                .put("heapTotal", Math.round(rt.totalMemory() / 1024.0 / 1024.0) + "MB");
        out.put("pid", ProcessHandle.current().pid());
        return out;
    }

    private static BaseToolResult text(ObjectNode json, Todo todos, boolean isError) {
        return new BaseToolResult(List.of(new MessagePart.TextPart(Ids.next(), Json.write(json))), todos, isError);
    }

    private static BaseToolResult part(MessagePart.ResultContent part, Todo todos) {
        return new BaseToolResult(List.of(part), todos, false);
    }

    /** Releases the workspace descriptor. */
    @Override
    public void close() {
        workspace.close();
    }
}
