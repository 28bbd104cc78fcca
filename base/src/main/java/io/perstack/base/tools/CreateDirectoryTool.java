package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;

/** {@code createDirectory}: a new directory with its missing parents; an existing one is a failure. */
public final class CreateDirectoryTool implements BaseTool {
    public static final String NAME = "createDirectory";

    private final FileSupport support;

    public CreateDirectoryTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Create a directory, including missing parents. Fails if it exists.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("Directory path inside the workspace.").build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        Location location = support.locateForChange(path);
        if (support.stat(location) != null) {
            throw new ToolFailure("Directory " + path + " already exists");
        }
        Location parent = location.parent();
        Stat parentStat = support.stat(parent);
        if (parentStat != null && !parentStat.ownerWritable()) {
            throw new ToolFailure("Parent directory " + parent.visible() + " is not writable");
        }
        try {
            support.files().createDirectories(location.parts());
        } catch (FsException e) {
            throw support.failure(e, location);
        }
        return ToolOutput.ok(Json.object().put("path", location.visible()));
    }
}
