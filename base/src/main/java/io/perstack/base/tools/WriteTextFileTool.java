package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;
import java.nio.charset.StandardCharsets;

/** {@code writeTextFile}: creates a file or replaces its whole content, creating missing parents. */
public final class WriteTextFileTool implements BaseTool {
    public static final String NAME = "writeTextFile";

    private final FileSupport support;

    public WriteTextFileTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Create a text file or replace its whole content (UTF-8). Missing parent directories are created. "
                + "Use editTextFile for small changes to an existing file.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("File path inside the workspace.")
                .prop("text", "string", "The complete new content.")
                .required("path", "text")
                .build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        String text = args.string("text");
        Location location = support.locateForChange(path);
        Stat stat = support.stat(location);
        if (stat != null && stat.directory()) {
            throw new ToolFailure("Path " + path + " is a directory.");
        }
        if (stat != null && !stat.ownerWritable()) {
            throw new ToolFailure("File " + path + " is not writable");
        }
        try {
            support.files().createDirectories(location.parent().parts());
            support.files().write(location.parts(), text.getBytes(StandardCharsets.UTF_8));
        } catch (FsException e) {
            throw support.failure(e, location);
        }
        return ToolOutput.ok(Json.object().put("path", location.visible()).put("text", text));
    }
}
