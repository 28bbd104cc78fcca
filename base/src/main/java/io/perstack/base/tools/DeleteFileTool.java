package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;

/** {@code deleteFile}: removes one file, never a directory. */
public final class DeleteFileTool implements BaseTool {
    public static final String NAME = "deleteFile";

    private final FileSupport support;

    public DeleteFileTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Delete one file (not a directory).";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("File path inside the workspace.").build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        Location location = support.locateForChange(path);
        Stat stat = support.existingFile(location, path);
        if (stat.directory()) {
            throw new ToolFailure("Path " + path + " is a directory. Use delete directory tool instead.");
        }
        if (!stat.ownerWritable()) {
            throw new ToolFailure("File " + path + " is not writable");
        }
        try {
            support.files().deleteFile(location.parts());
        } catch (FsException e) {
            throw support.failure(e, location);
        }
        return ToolOutput.ok(Json.object().put("path", location.visible()));
    }
}
