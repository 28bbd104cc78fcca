package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.model.Todo;
import java.util.Locale;
import java.util.Map;

/** {@code readImageFile}: an image the model can see, at most 15 MB. */
public final class ReadImageFileTool implements BaseTool {
    public static final String NAME = "readImageFile";
    static final long IMAGE_LIMIT = 15L * 1024 * 1024;
    private static final Map<String, String> IMAGE_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg",
            "image/jpeg", "gif", "image/gif", "webp", "image/webp");

    private final FileSupport support;

    public ReadImageFileTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Read an image (png, jpeg, gif, webp) so you can see it. At most 15 MB.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("Image file path inside the workspace.").build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        Location location = support.locate(path);
        Stat stat = support.existingFile(location, path);
        String mimeType = IMAGE_TYPES.get(FileFormats.extension(location.name()));
        if (mimeType == null || stat.directory()) {
            throw new ToolFailure("File " + path + " is not supported.");
        }
        if (stat.size() > IMAGE_LIMIT) {
            throw new ToolFailure(String.format(Locale.ROOT, "Image file too large (%.1fMB). Maximum supported size "
                    + "is 15MB. Please use a smaller image file.", stat.size() / 1024.0 / 1024.0));
        }
        return new ToolOutput.Part(support.media(location, mimeType, stat, IMAGE_LIMIT, true));
    }
}
