package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.Entry;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code listDirectory}: one level, sorted by code point, hidden entries left out, links shown as links. */
public final class ListDirectoryTool implements BaseTool {
    public static final String NAME = "listDirectory";

    private final FileSupport support;

    public ListDirectoryTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "List the entries of a directory (not recursive), sorted by name, with type, size and modification "
                + "time. Symbolic links are listed as type symlink.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("Directory path inside the workspace.").build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        Location location = support.locate(path);
        Stat stat = support.stat(location);
        if (stat == null) {
            throw new ToolFailure("Directory " + path + " does not exist.");
        }
        if (!stat.directory()) {
            throw new ToolFailure("Path " + path + " is not a directory.");
        }
        List<Entry> entries;
        try {
            entries = new ArrayList<>(support.files().list(location.parts()));
        } catch (FsException e) {
            throw support.failure(e, location);
        }
        entries.removeIf(e -> support.workspace().hidden(location, e.name()));
        entries.sort(Comparator.comparing(Entry::name, FileFormats::compareCodePoints));
        ObjectNode out = Json.object().put("path", location.visible());
        ArrayNode items = out.putArray("items");
        for (Entry entry : entries) {
            Stat s = entry.stat();
            String type = switch (s.type()) {
                case DIRECTORY -> "directory";
                case SYMLINK -> "symlink";
                default -> "file";
            };
            items.addObject().put("name", entry.name()).put("path", entry.name()).put("type", type)
                    .put("size", s.type() == Stat.Type.SYMLINK ? 0 : s.size())
                    .put("modified", FileFormats.iso(s.modified()));
        }
        return ToolOutput.ok(out);
    }
}
