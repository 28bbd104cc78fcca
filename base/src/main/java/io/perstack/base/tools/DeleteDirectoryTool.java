package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;

/** {@code deleteDirectory}: an empty directory, or with {@code recursive} its content too; never the root. */
public final class DeleteDirectoryTool implements BaseTool {
    public static final String NAME = "deleteDirectory";

    private final FileSupport support;

    public DeleteDirectoryTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Delete a directory. A non-empty directory needs recursive: true.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("Directory path inside the workspace.")
                .prop("recursive", "boolean", "Delete the content too (required for a non-empty directory). Links "
                        + "inside are removed, never followed.")
                .build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        boolean recursive = args.flag("recursive", false);
        Location location = support.locateForChange(path);
        Stat stat = support.stat(location);
        if (stat == null) {
            throw new ToolFailure("Directory " + path + " does not exist.");
        }
        if (!stat.directory()) {
            throw new ToolFailure("Path " + path + " is not a directory. Use deleteFile tool instead.");
        }
        if (!stat.ownerWritable()) {
            throw new ToolFailure("Directory " + path + " is not writable");
        }
        if (location.isRoot()) {
            throw new ToolFailure("Access denied - the workspace root cannot be deleted");
        }
        String notEmpty = "Directory " + path + " is not empty. Set recursive to true to delete it.";
        try {
            if (!recursive && !support.files().list(location.parts()).isEmpty()) {
                throw new ToolFailure(notEmpty);
            }
            support.files().deleteDirectory(location.parts(), recursive);
        } catch (FsException e) {
            if (e.errno() == FsException.ENOTEMPTY) {
                throw new ToolFailure(notEmpty);
            }
            throw support.failure(e, location);
        }
        return ToolOutput.ok(Json.object().put("path", location.visible()));
    }
}
