package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import io.perstack.core.tool.ToolDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Names, input schemas and model-facing descriptions of the seventeen tools (docs/base-skill.md §6). Field names and
 * types match the TypeScript base skill so prompts carry over; the descriptions state the limits of this file.
 */
public final class ToolCatalog {
    public static final String SKILL_NAME = "@perstack/base";

    private ToolCatalog() {}

    /** The tools in the order they are offered. */
    public static List<ToolDefinition> definitions() {
        List<ToolDefinition> tools = new ArrayList<>();
        tools.add(tool("attemptCompletion", "Signal that the task is complete. Call this when you have finished. If "
                + "any todo is still incomplete, the remaining todos are returned and you must continue working.",
                schema()));
        ObjectNode todo = schema();
        arrayOf(todo, "newTodos", "string", "Titles of todos to add. Ids count up from 0.");
        arrayOf(todo, "completedTodos", "number", "Ids of todos to mark completed. Unknown ids are ignored.");
        tools.add(tool("todo", "Plan and track your work: add new todos and mark existing ones completed. Returns the "
                + "whole list. Completed todos are never reopened.", todo));
        tools.add(tool("clearTodo", "Remove every todo and restart ids at 0. Returns the empty list.", schema()));
        tools.add(tool("healthCheck", "Report that the runtime is alive: workspace root, uptime, memory and process "
                + "id.", schema()));
        ObjectNode exec = schema();
        prop(exec, "command", "string", "Program to run, found on PATH or given as a path. No shell is used: pipes, "
                + "redirections, globs, variables and quoting are not interpreted.");
        arrayOf(exec, "args", "string", "Arguments passed to the program exactly as given.");
        ObjectNode env = ((ObjectNode) exec.get("properties")).putObject("env").put("type", "object")
                .put("description", "Extra environment variables. Protected names (PATH, HOME, LD_*, proxies and "
                        + "similar) are ignored.");
        env.putObject("additionalProperties").put("type", "string");
        prop(exec, "cwd", "string", "Working directory inside the workspace; must exist.");
        prop(exec, "stdout", "boolean", "Include standard output in the result.");
        prop(exec, "stderr", "boolean", "Include standard error in the result.");
        prop(exec, "timeout", "number", "Time limit in milliseconds (default 60000, at most 3600000). On expiry the "
                + "whole process group is killed.");
        required(exec, "command", "args", "env", "cwd", "stdout", "stderr");
        tools.add(tool("exec", "Run a program with explicit arguments, without a shell (to use shell syntax, run "
                + "/bin/sh -c explicitly). Do not start long-running foreground processes such as servers or "
                + "`tail -f`; prefer short timeouts. stdin is empty. Each output stream is cut after 10 MiB. In "
                + "isolated runtimes only allowlisted network destinations are reachable.", exec));
        ObjectNode read = pathSchema("File path, relative to the workspace root or absolute inside it.");
        prop(read, "from", "number", "First line to return (0-based, default 0).");
        prop(read, "to", "number", "Line to stop before (exclusive, default: end of file).");
        tools.add(tool("readTextFile", "Read a UTF-8 text file, optionally a range of lines [from, to). Invalid "
                + "UTF-8 is replaced by U+FFFD. At most the first 64 MiB are read.", read));
        tools.add(tool("readImageFile", "Read an image (png, jpeg, gif, webp) so you can see it. At most 15 MB.",
                pathSchema("Image file path inside the workspace.")));
        tools.add(tool("readPdfFile", "Read a PDF document so you can see its content. At most 30 MB.",
                pathSchema("PDF file path inside the workspace.")));
        ObjectNode write = pathSchema("File path inside the workspace.");
        prop(write, "text", "string", "The complete new content.");
        required(write, "path", "text");
        tools.add(tool("writeTextFile", "Create a text file or replace its whole content (UTF-8). Missing parent "
                + "directories are created. Use editTextFile for small changes to an existing file.", write));
        ObjectNode append = pathSchema("Existing file path inside the workspace.");
        prop(append, "text", "string", "Text to append as is; no newline is added.");
        required(append, "path", "text");
        tools.add(tool("appendTextFile", "Append text to the end of an existing file. Files over 64 MiB are "
                + "refused.", append));
        ObjectNode edit = pathSchema("Existing file path inside the workspace.");
        prop(edit, "oldText", "string", "Exact text to replace.");
        prop(edit, "newText", "string", "Replacement text.");
        required(edit, "path", "oldText", "newText");
        tools.add(tool("editTextFile", "Replace the first exact occurrence of oldText with newText. Line endings are "
                + "normalised to LF in the file and both texts. Include enough context in oldText to make it "
                + "unique. Files over 64 MiB are refused.", edit));
        ObjectNode move = schema();
        prop(move, "source", "string", "Existing file or directory inside the workspace.");
        prop(move, "destination", "string", "New path inside the workspace; must not exist.");
        required(move, "source", "destination");
        tools.add(tool("moveFile", "Move or rename a file or directory atomically. Never overwrites: the "
                + "destination must not exist. Missing parent directories are created.", move));
        tools.add(tool("deleteFile", "Delete one file (not a directory).", pathSchema("File path inside the "
                + "workspace.")));
        tools.add(tool("getFileInfo", "Get metadata of a file or directory: type, size, MIME type, timestamps and "
                + "permissions.", pathSchema("Path inside the workspace.")));
        tools.add(tool("listDirectory", "List the entries of a directory (not recursive), sorted by name, with type, "
                + "size and modification time. Symbolic links are listed as type symlink.",
                pathSchema("Directory path inside the workspace.")));
        tools.add(tool("createDirectory", "Create a directory, including missing parents. Fails if it exists.",
                pathSchema("Directory path inside the workspace.")));
        ObjectNode rmdir = pathSchema("Directory path inside the workspace.");
        prop(rmdir, "recursive", "boolean", "Delete the content too (required for a non-empty directory). Links "
                + "inside are removed, never followed.");
        tools.add(tool("deleteDirectory", "Delete a directory. A non-empty directory needs recursive: true.", rmdir));
        return List.copyOf(tools);
    }

    private static ToolDefinition tool(String name, String description, ObjectNode schema) {
        return new ToolDefinition(SKILL_NAME, name, description, schema);
    }

    private static ObjectNode schema() {
        ObjectNode schema = Json.object().put("type", "object");
        schema.putObject("properties");
        return schema;
    }

    private static ObjectNode pathSchema(String description) {
        ObjectNode schema = schema();
        prop(schema, "path", "string", description);
        required(schema, "path");
        return schema;
    }

    private static void prop(ObjectNode schema, String name, String type, String description) {
        ((ObjectNode) schema.get("properties")).putObject(name).put("type", type).put("description", description);
    }

    private static void arrayOf(ObjectNode schema, String name, String itemType, String description) {
        ObjectNode array = ((ObjectNode) schema.get("properties")).putObject(name).put("type", "array");
        array.putObject("items").put("type", itemType);
        array.put("description", description);
    }

    private static void required(ObjectNode schema, String... names) {
        var list = schema.putArray("required");
        for (String name : names) {
            list.add(name);
        }
    }
}
