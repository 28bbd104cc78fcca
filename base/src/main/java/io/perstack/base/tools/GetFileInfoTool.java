package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;

/** {@code getFileInfo}: type, size, MIME type, timestamps and permissions, in the TypeScript skill's shape. */
public final class GetFileInfoTool implements BaseTool {
    public static final String NAME = "getFileInfo";

    private final FileSupport support;

    public GetFileInfoTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Get metadata of a file or directory: type, size, MIME type, timestamps and permissions.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("Path inside the workspace.").build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        Location location = support.locate(path);
        Stat stat = support.stat(location);
        if (stat == null) {
            throw new ToolFailure("File or directory " + path + " does not exist");
        }
        String name = location.isRoot() ? FileFormats.lastSegment(support.workspace().visibleRoot())
                : location.name();
        ObjectNode out = Json.object().put("exists", true).put("path", path)
                .put("absolutePath", location.visible()).put("name", name)
                .put("directory", location.isRoot() ? FileFormats.parentOf(location.visible())
                        : location.parent().visible());
        if (stat.directory()) {
            out.putNull("extension").put("type", "directory").putNull("mimeType");
        } else {
            out.put("extension", FileFormats.nodeExtension(name)).put("type", "file")
                    .put("mimeType", FileFormats.mimeType(name));
        }
        out.put("size", stat.size()).put("sizeFormatted", FileFormats.formatSize(stat.size()))
                .put("created", FileFormats.iso(stat.created())).put("modified", FileFormats.iso(stat.modified()))
                .put("accessed", FileFormats.iso(stat.accessed()));
        out.putObject("permissions").put("readable", true).put("writable", stat.ownerWritable())
                .put("executable", stat.ownerExecutable());
        return ToolOutput.ok(out);
    }
}
