package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;

/** {@code moveFile}: an atomic rename that never overwrites. */
public final class MoveFileTool implements BaseTool {
    public static final String NAME = "moveFile";

    private final FileSupport support;

    public MoveFileTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Move or rename a file or directory atomically. Never overwrites: the destination must not exist. "
                + "Missing parent directories are created.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.object()
                .prop("source", "string", "Existing file or directory inside the workspace.")
                .prop("destination", "string", "New path inside the workspace; must not exist.")
                .required("source", "destination")
                .build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String source = args.string("source");
        String destination = args.string("destination");
        Location from = support.locateForChange(source);
        Location to = support.locateForChange(destination);
        Stat stat = support.stat(from);
        if (stat == null) {
            throw new ToolFailure("Source file " + source + " does not exist.");
        }
        if (!stat.ownerWritable()) {
            throw new ToolFailure("Source file " + source + " is not writable");
        }
        if (support.stat(to) != null) {
            throw new ToolFailure("Destination " + destination + " already exists.");
        }
        try {
            support.files().createDirectories(to.parent().parts());
            support.files().rename(from.parts(), to.parts());
        } catch (FsException e) {
            if (e.errno() == FsException.EEXIST) {
                throw new ToolFailure("Destination " + destination + " already exists.");
            }
            throw support.failure(e, e.errno() == FsException.ELOOP || e.errno() == FsException.EXDEV ? to : from);
        }
        return ToolOutput.ok(Json.object().put("source", from.visible()).put("destination", to.visible()));
    }
}
