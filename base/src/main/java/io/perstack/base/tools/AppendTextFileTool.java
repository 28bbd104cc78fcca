package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;
import java.nio.charset.StandardCharsets;

/** {@code appendTextFile}: appends text as is to an existing file. */
public final class AppendTextFileTool implements BaseTool {
    public static final String NAME = "appendTextFile";

    private final FileSupport support;

    public AppendTextFileTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Append text to the end of an existing file. Files over 64 MiB are refused.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("Existing file path inside the workspace.")
                .prop("text", "string", "Text to append as is; no newline is added.")
                .required("path", "text")
                .build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        String text = args.string("text");
        Location location = support.locateForChange(path);
        support.editable(location, path);
        try {
            support.files().append(location.parts(), text.getBytes(StandardCharsets.UTF_8));
        } catch (FsException e) {
            throw support.failure(e, location);
        }
        return ToolOutput.ok(Json.object().put("path", location.visible()).put("text", text));
    }
}
