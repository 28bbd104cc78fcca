package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;
import java.nio.charset.StandardCharsets;

/** {@code editTextFile}: replaces the first exact occurrence of a text, line endings normalised to LF. */
public final class EditTextFileTool implements BaseTool {
    public static final String NAME = "editTextFile";

    private final FileSupport support;

    public EditTextFileTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Replace the first exact occurrence of oldText with newText. Line endings are normalised to LF in "
                + "the file and both texts. Include enough context in oldText to make it unique. Files over 64 MiB "
                + "are refused.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("Existing file path inside the workspace.")
                .prop("oldText", "string", "Exact text to replace.")
                .prop("newText", "string", "Replacement text.")
                .required("path", "oldText", "newText")
                .build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        String oldText = args.string("oldText");
        String newText = args.string("newText");
        Location location = support.locateForChange(path);
        support.editable(location, path);
        try {
            byte[] data = support.files().read(location.parts(), FileSupport.TEXT_LIMIT);
            String content = lf(new String(data, StandardCharsets.UTF_8));
            String search = lf(oldText);
            int at = content.indexOf(search);
            if (at < 0) {
                throw new ToolFailure("Could not find exact match for oldText in file " + location.visible());
            }
            String edited = content.substring(0, at) + lf(newText) + content.substring(at + search.length());
            support.files().overwrite(location.parts(), edited.getBytes(StandardCharsets.UTF_8));
        } catch (FsException e) {
            throw support.failure(e, location);
        }
        return ToolOutput.ok(Json.object().put("path", location.visible()).put("newText", newText)
                .put("oldText", oldText));
    }

    private static String lf(String text) {
        return text.replace("\r\n", "\n");
    }
}
