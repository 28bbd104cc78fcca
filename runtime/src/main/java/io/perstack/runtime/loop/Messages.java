package io.perstack.runtime.loop;

import io.perstack.core.id.Ids;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.MessagePart.ResultContent;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.ToolCall;
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

    /** An expert message ordered thinking → text → tool calls (docs/runtime.md §7); an empty text is left out. */
    static Message.ExpertMessage expert(List<MessagePart.ThinkingPart> thinking, String text,
                                        List<ToolCall> calls) {
        List<MessagePart.ExpertContent> parts = new ArrayList<>(thinking);
        if (text != null && !text.isEmpty()) {
            parts.add(text(text));
        }
        for (ToolCall c : calls) {
            parts.add(new MessagePart.ToolCallPart(Ids.next(), c.id(), c.toolName(), c.args()));
        }
        return new Message.ExpertMessage(Ids.next(), parts, null);
    }

    /** The first text part with visible text, or {@code null}. */
    static String lastText(Message.ExpertMessage message) {
        for (MessagePart.ExpertContent c : message.contents()) {
            if (c instanceof TextPart t && !t.text().trim().isEmpty()) {
                return t.text();
            }
        }
        return null;
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
