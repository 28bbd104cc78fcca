package io.perstack.skills.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.MessagePart.FileInlinePart;
import io.perstack.core.model.MessagePart.ImageInlinePart;
import io.perstack.core.model.MessagePart.ResultContent;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import java.util.ArrayList;
import java.util.List;

/**
 * MCP tool results as message parts (docs/runtime.md §8.3). Text stays text, images and embedded blobs become inline
 * parts, audio and resource links are dropped; a result with nothing left says so, so the model is never answered
 * with silence. Text size is capped later by the loop (toolResultMaxBytes); inline parts are capped here.
 */
final class ResultParts {
    /** docs/runtime.md §8.4: the hard cap of one inline part from an MCP skill. */
    static final long MAX_INLINE_PART_BYTES = 32L * 1024 * 1024;

    private ResultParts() {}

    static ToolResult convert(ToolCall call, McpSchema.CallToolResult result) {
        List<ResultContent> parts = new ArrayList<>();
        List<McpSchema.Content> content = result.content() == null ? List.of() : result.content();
        for (McpSchema.Content c : content) {
            switch (c) {
                case McpSchema.TextContent t -> parts.add(text(t.text()));
                case McpSchema.ImageContent i -> {
                    if (!addInline(parts, i.data(), i.mimeType(), ImageInlinePart::new)) {
                        return error(call, "result part too large");
                    }
                }
                case McpSchema.EmbeddedResource r -> {
                    switch (r.resource()) {
                        case McpSchema.TextResourceContents t -> parts.add(text(t.text()));
                        case McpSchema.BlobResourceContents b -> {
                            if (!addInline(parts, b.blob(), b.mimeType(), FileInlinePart::new)) {
                                return error(call, "result part too large");
                            }
                        }
                        default -> { }
                    }
                }
                default -> { } // audio and resource links: the model cannot use them (TypeScript behaviour)
            }
        }
        if (content.isEmpty()) {
            parts.add(text("Tool " + call.toolName() + " returned nothing with arguments: " + Json.write(call.args())));
        }
        return new ToolResult(call.id(), call.skillName(), call.toolName(), parts,
                Boolean.TRUE.equals(result.isError()) ? Boolean.TRUE : null);
    }

    private static TextPart text(String text) {
        return new TextPart(Ids.next(), text == null || text.isEmpty() ? "Error: No content" : text);
    }

    /** An inline part made of an id, base64 data and a media type. */
    private interface InlinePart {
        ResultContent of(String id, String base64, String mimeType);
    }

    /**
     * Adds an inline part when both its data and its media type are given (a part missing either is dropped);
     * {@code false} when the data is over {@link #MAX_INLINE_PART_BYTES}, and nothing is added.
     */
    private static boolean addInline(List<ResultContent> parts, String base64, String mimeType, InlinePart part) {
        if (base64 == null || mimeType == null) {
            return true;
        }
        if (tooLarge(base64)) {
            return false;
        }
        parts.add(part.of(Ids.next(), base64, mimeType));
        return true;
    }

    private static boolean tooLarge(String base64) {
        return base64.length() / 4L * 3 > MAX_INLINE_PART_BYTES;
    }

    /** A failed call as the model sees it: {@code Error calling tool <name>: <message>} (not fatal to the run). */
    static ToolResult error(ToolCall call, String message) {
        return new ToolResult(call.id(), call.skillName(), call.toolName(),
                List.of(new TextPart(Ids.next(), "Error calling tool " + call.toolName() + ": " + message)));
    }
}
