package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.core.model.Todo;
import java.util.Locale;

/** {@code readPdfFile}: a PDF the model can see, at most 30 MB. */
public final class ReadPdfFileTool implements BaseTool {
    public static final String NAME = "readPdfFile";
    static final long PDF_LIMIT = 30L * 1024 * 1024;

    private final FileSupport support;

    public ReadPdfFileTool(FileSupport support) {
        this.support = support;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Read a PDF document so you can see its content. At most 30 MB.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.path("PDF file path inside the workspace.").build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) throws ToolFailure {
        String path = args.string("path");
        Location location = support.locate(path);
        Stat stat = support.existingFile(location, path);
        if (!FileFormats.extension(location.name()).equals("pdf") || stat.directory()) {
            throw new ToolFailure("File " + path + " is not a PDF file.");
        }
        if (stat.size() > PDF_LIMIT) {
            throw new ToolFailure(String.format(Locale.ROOT, "PDF file too large (%.1fMB). Maximum supported size is "
                    + "30MB. Please use a smaller PDF file.", stat.size() / 1024.0 / 1024.0));
        }
        return new ToolOutput.Part(support.media(location, "application/pdf", stat, PDF_LIMIT, false));
    }
}
