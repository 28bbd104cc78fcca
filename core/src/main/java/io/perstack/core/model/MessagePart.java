package io.perstack.core.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

/** One part of a message; every part has an {@code id} and a {@code type} (docs/events.md §5). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MessagePart.TextPart.class, name = "textPart"),
    @JsonSubTypes.Type(value = MessagePart.ImageUrlPart.class, name = "imageUrlPart"),
    @JsonSubTypes.Type(value = MessagePart.ImageInlinePart.class, name = "imageInlinePart"),
    @JsonSubTypes.Type(value = MessagePart.ImageBinaryPart.class, name = "imageBinaryPart"),
    @JsonSubTypes.Type(value = MessagePart.FileUrlPart.class, name = "fileUrlPart"),
    @JsonSubTypes.Type(value = MessagePart.FileInlinePart.class, name = "fileInlinePart"),
    @JsonSubTypes.Type(value = MessagePart.FileBinaryPart.class, name = "fileBinaryPart"),
    @JsonSubTypes.Type(value = MessagePart.ToolCallPart.class, name = "toolCallPart"),
    @JsonSubTypes.Type(value = MessagePart.ThinkingPart.class, name = "thinkingPart"),
    @JsonSubTypes.Type(value = MessagePart.ToolResultPart.class, name = "toolResultPart"),
})
public sealed interface MessagePart {
    String id();

    /** Parts a user message may carry. */
    sealed interface UserContent extends MessagePart {}

    /** Parts an expert (assistant) message may carry. */
    sealed interface ExpertContent extends MessagePart {}

    /** Parts allowed inside a tool result. */
    sealed interface ResultContent extends MessagePart {}

    record TextPart(String id, String text) implements UserContent, ExpertContent, ResultContent {}

    record ImageUrlPart(String id, String url, String mimeType) implements UserContent {}

    record ImageInlinePart(String id, String encodedData, String mimeType) implements UserContent, ResultContent {}

    record ImageBinaryPart(String id, String data, String mimeType) implements UserContent {}

    record FileUrlPart(String id, String url, String mimeType) implements UserContent {}

    record FileInlinePart(String id, String encodedData, String mimeType) implements UserContent, ResultContent {}

    record FileBinaryPart(String id, String data, String mimeType) implements UserContent {}

    record ToolCallPart(String id, String toolCallId, String toolName, JsonNode args) implements ExpertContent {}

    record ThinkingPart(String id, String thinking, String signature) implements ExpertContent {}

    record ToolResultPart(String id, String toolCallId, String toolName, java.util.List<ResultContent> contents,
                          Boolean isError) implements MessagePart {
        public ToolResultPart {
            contents = java.util.List.copyOf(contents);
        }
    }
}
