package io.perstack.core.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.perstack.core.model.MessagePart.ExpertContent;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.MessagePart.ToolResultPart;
import io.perstack.core.model.MessagePart.UserContent;
import java.util.List;

/** A message of the conversation history (docs/events.md §5). {@code cache} flags prompt-caching candidates. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Message.InstructionMessage.class, name = "instructionMessage"),
    @JsonSubTypes.Type(value = Message.UserMessage.class, name = "userMessage"),
    @JsonSubTypes.Type(value = Message.ExpertMessage.class, name = "expertMessage"),
    @JsonSubTypes.Type(value = Message.ToolMessage.class, name = "toolMessage"),
})
public sealed interface Message {
    String id();

    List<? extends MessagePart> contents();

    Boolean cache();

    record InstructionMessage(String id, List<TextPart> contents, Boolean cache) implements Message {
        public InstructionMessage {
            contents = List.copyOf(contents);
        }
    }

    record UserMessage(String id, List<UserContent> contents, Boolean cache) implements Message {
        public UserMessage {
            contents = List.copyOf(contents);
        }
    }

    record ExpertMessage(String id, List<ExpertContent> contents, Boolean cache) implements Message {
        public ExpertMessage {
            contents = List.copyOf(contents);
        }
    }

    record ToolMessage(String id, List<ToolResultPart> contents, Boolean cache) implements Message {
        public ToolMessage {
            contents = List.copyOf(contents);
        }
    }
}
