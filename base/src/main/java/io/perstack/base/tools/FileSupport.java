package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.AccessDenied;
import io.perstack.base.fs.FileAccess;
import io.perstack.base.fs.FsException;
import io.perstack.base.fs.Location;
import io.perstack.base.fs.Stat;
import io.perstack.base.fs.Workspace;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.MessagePart;
import java.util.Base64;

/**
 * What the file tools of docs/base-skill.md §5 share: resolving paths through the confined {@link Workspace}, the checks
 * every tool makes the same way, and the texts of §2.2 for what the kernel refuses.
 */
public final class FileSupport {
    /** Text tools read at most this much of a file (docs/base-skill.md §2.3). */
    public static final long TEXT_LIMIT = 64L * 1024 * 1024;

    private final Workspace workspace;
    private final FileAccess files;
    private final boolean inlineMedia;

    /**
     * @param inlineMedia in-process mode returns images and PDFs as inline parts; the stdio server returns
     *                    {@code {path, mimeType, size}} and lets the runtime inline them (docs/base-skill.md §7)
     */
    public FileSupport(Workspace workspace, boolean inlineMedia) {
        this.workspace = workspace;
        this.files = workspace.files();
        this.inlineMedia = inlineMedia;
    }

    Workspace workspace() {
        return workspace;
    }

    FileAccess files() {
        return files;
    }

    Location locate(String path) throws ToolFailure {
        try {
            return workspace.locate(path);
        } catch (AccessDenied e) {
            throw new ToolFailure(e.getMessage());
        }
    }

    Location locateForChange(String path) throws ToolFailure {
        try {
            return workspace.locateForChange(path);
        } catch (AccessDenied e) {
            throw new ToolFailure(e.getMessage());
        }
    }

    /** Turns a kernel refusal into its §2.2 text, anything else into a short generic failure. */
    ToolFailure failure(FsException e, Location location) {
        String refusal = workspace.refusal(e, location);
        return new ToolFailure(refusal != null ? refusal : "Operation failed on " + location.visible() + ": "
                + e.getMessage());
    }

    /** The entry itself, {@code null} if absent; a link as the last component is refused like one anywhere else (§2.2). */
    Stat stat(Location location) throws ToolFailure {
        try {
            Stat stat = files.stat(location.parts());
            if (stat != null && stat.type() == Stat.Type.SYMLINK) {
                throw new ToolFailure(workspace.refusal(new FsException(FsException.ELOOP, "stat"), location));
            }
            return stat;
        } catch (FsException e) {
            throw failure(e, location);
        }
    }

    Stat existingFile(Location location, String path) throws ToolFailure {
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("File " + path + " does not exist.");
        }
        return stat;
    }

    /** An existing, owner-writable regular file of at most {@link #TEXT_LIMIT} bytes. */
    Stat editable(Location location, String path) throws ToolFailure {
        Stat stat = existingFile(location, path);
        if (stat.directory()) {
            throw new ToolFailure("Path " + path + " is a directory.");
        }
        if (!stat.ownerWritable()) {
            throw new ToolFailure("File " + path + " is not writable");
        }
        if (stat.size() > TEXT_LIMIT) {
            throw new ToolFailure("File " + path + " is too large (limit " + TEXT_LIMIT + " bytes)");
        }
        return stat;
    }

    /** Validates {@code exec}'s working directory like a file path (§4) and returns it. */
    public Location directory(String path) throws ToolFailure {
        Location location = locate(path);
        Stat stat = stat(location);
        if (stat == null) {
            throw new ToolFailure("Directory " + path + " does not exist.");
        }
        if (!stat.directory()) {
            throw new ToolFailure("Path " + path + " is not a directory.");
        }
        return location;
    }

    /** An image or PDF: inline in process, named for the runtime to inline in stdio mode. */
    MessagePart.ResultContent media(Location location, String mimeType, Stat stat, long limit, boolean image)
            throws ToolFailure {
        if (!inlineMedia) {
            ObjectNode out = Json.object().put("path", location.visible()).put("mimeType", mimeType)
                    .put("size", stat.size());
            return new MessagePart.TextPart(Ids.next(), Json.write(out));
        }
        byte[] data;
        try {
            // One byte over the limit tells a file that grew since the stat from one that fits.
            data = files.read(location.parts(), limit + 1);
        } catch (FsException e) {
            throw failure(e, location);
        }
        if (data.length > limit) {
            throw new ToolFailure("File " + location.given() + " changed while it was read.");
        }
        String encoded = Base64.getEncoder().encodeToString(data);
        return image ? new MessagePart.ImageInlinePart(Ids.next(), encoded, mimeType)
                : new MessagePart.FileInlinePart(Ids.next(), encoded, mimeType);
    }
}
