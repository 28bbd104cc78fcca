package io.perstack.runtime.loop;

import io.perstack.core.id.Ids;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.MessagePart.ResultContent;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.ToolResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Constructors for the messages the loop appends. */
final class Messages {
    private Messages() {}

    static TextPart text(String text) {
        return new TextPart(Ids.next(), text);
    }

    static Message.UserMessage user(String text) {
        return new Message.UserMessage(Ids.next(), List.of(text(text)), null);
    }

    static Message.InstructionMessage instruction(String text) {
        return new Message.InstructionMessage(Ids.next(), List.of(text(text)), true);
    }

    static Message.ToolMessage tool(List<ToolResult> results) {
        List<MessagePart.ToolResultPart> parts = new ArrayList<>(results.size());
        for (ToolResult r : results) {
            parts.add(new MessagePart.ToolResultPart(Ids.next(), r.id(), r.toolName(), r.result(), r.isError()));
        }
        return new Message.ToolMessage(Ids.next(), parts, null);
    }

    static ToolResult textResult(String id, String skillName, String toolName, String text) {
        return new ToolResult(id, skillName, toolName, List.of(text(text)));
    }

    /**
     * Cuts each text part to {@code maxBytes} UTF-8 bytes at a character boundary and marks the cut
     * (docs/runtime.md §8.4).
     */
    static ToolResult capped(ToolResult result, int maxBytes) {
        List<ResultContent> out = null;
        for (int i = 0; i < result.result().size(); i++) {
            ResultContent c = result.result().get(i);
            if (c instanceof TextPart t && t.text().length() > maxBytes / 4) {
                byte[] bytes = t.text().getBytes(StandardCharsets.UTF_8);
                if (bytes.length > maxBytes) {
                    if (out == null) {
                        out = new ArrayList<>(result.result());
                    }
                    int end = maxBytes;
                    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
                        end--;
                    }
                    String cut = new String(bytes, 0, end, StandardCharsets.UTF_8)
                            + "\n[perstack: tool result truncated after " + maxBytes + " bytes; " + bytes.length
                            + " bytes total]";
                    out.set(i, new TextPart(t.id(), cut));
                }
            }
        }
        return out == null ? result : new ToolResult(result.id(), result.skillName(), result.toolName(), out,
                result.isError());
    }
}
