package io.perstack.llm.langchain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.pdf.PdfFile;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import io.perstack.core.json.Json;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.MessagePart.ExpertContent;
import io.perstack.core.model.MessagePart.FileInlinePart;
import io.perstack.core.model.MessagePart.ImageInlinePart;
import io.perstack.core.model.MessagePart.ResultContent;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.MessagePart.ThinkingPart;
import io.perstack.core.model.MessagePart.ToolCallPart;
import io.perstack.core.model.MessagePart.ToolResultPart;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.llm.ProviderError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Maps our conversation model onto LangChain4j's, keeping part order and thinking signatures. */
public final class ChatMapping {
    /** LangChain4j's attribute name for the signature of a thinking block. */
    public static final String THINKING_SIGNATURE = "thinking_signature";

    private ChatMapping() {}

    /** Thrown when a message carries input the provider cannot take; the run stops with a non-retryable error. */
    public static final class UnsupportedInput extends RuntimeException {
        private final ProviderError error;

        UnsupportedInput(String provider, String mimeType) {
            super("Provider " + provider + " does not support " + mimeType + " input");
            error = new ProviderError("UnsupportedInputError", getMessage(), null, false, null);
        }

        public ProviderError error() {
            return error;
        }
    }

    /**
     * The chat request of {@code messages} and, when there are any, {@code tools} with their schemas unchanged
     * ({@link #toToolSpecifications}).
     */
    public static ChatRequest toChatRequest(List<Message> messages, List<ToolDefinition> tools, String provider) {
        ChatRequest.Builder chat = ChatRequest.builder().messages(toChatMessages(messages, provider));
        if (!tools.isEmpty()) {
            chat.toolSpecifications(toToolSpecifications(tools));
        }
        return chat.build();
    }

    public static List<ChatMessage> toChatMessages(List<Message> messages, String provider) {
        List<ChatMessage> out = new ArrayList<>(messages.size() + 4);
        for (Message m : messages) {
            switch (m) {
                case Message.InstructionMessage i -> out.add(SystemMessage.from(joinText(i.contents())));
                case Message.UserMessage u -> out.add(UserMessage.from(userContents(u.contents(), provider)));
                case Message.ExpertMessage e -> out.add(aiMessage(e.contents()));
                case Message.ToolMessage t -> {
                    List<Content> attachments = new ArrayList<>();
                    for (ToolResultPart r : t.contents()) {
                        out.add(toolResult(r, provider, attachments));
                    }
                    if (!attachments.isEmpty()) {
                        // The library cannot carry documents inside a tool result, so they follow as user content.
                        attachments.addFirst(TextContent.from("Files returned by the tool calls above:"));
                        out.add(UserMessage.from(attachments));
                    }
                }
            }
        }
        return out;
    }

    /** The texts of {@code parts}, one per line. */
    public static String joinText(List<TextPart> parts) {
        StringBuilder sb = new StringBuilder();
        for (TextPart p : parts) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(p.text());
        }
        return sb.toString();
    }

    private static List<Content> userContents(List<MessagePart.UserContent> parts, String provider) {
        List<Content> out = new ArrayList<>(parts.size());
        for (MessagePart.UserContent p : parts) {
            switch (p) {
                case TextPart t -> out.add(TextContent.from(t.text()));
                case ImageInlinePart i -> out.add(ImageContent.from(i.encodedData(), i.mimeType()));
                case MessagePart.ImageBinaryPart i -> out.add(ImageContent.from(i.data(), i.mimeType()));
                case MessagePart.ImageUrlPart i -> out.add(ImageContent.from(i.url()));
                case FileInlinePart f -> out.add(file(f.encodedData(), f.mimeType(), provider));
                case MessagePart.FileBinaryPart f -> out.add(file(f.data(), f.mimeType(), provider));
                case MessagePart.FileUrlPart f -> {
                    if (!"application/pdf".equals(f.mimeType())) {
                        throw new UnsupportedInput(provider, f.mimeType());
                    }
                    out.add(PdfFileContent.from(java.net.URI.create(f.url())));
                }
            }
        }
        return out;
    }

    private static Content file(String base64, String mimeType, String provider) {
        if (!"application/pdf".equals(mimeType)) {
            throw new UnsupportedInput(provider, mimeType);
        }
        return PdfFileContent.from(PdfFile.builder().base64Data(base64).mimeType(mimeType).build());
    }

    private static AiMessage aiMessage(List<ExpertContent> parts) {
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        String signature = null;
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (ExpertContent p : parts) {
            switch (p) {
                case TextPart t -> text.append(t.text());
                case ThinkingPart th -> {
                    thinking.append(th.thinking());
                    if (th.signature() != null) {
                        signature = th.signature();
                    }
                }
                case ToolCallPart c -> calls.add(ToolExecutionRequest.builder().id(c.toolCallId()).name(c.toolName())
                        .arguments(c.args() == null ? "{}" : Json.write(c.args())).build());
            }
        }
        return aiMessage(text, thinking, signature, calls);
    }

    /**
     * An assistant message of the given text, thinking (with its signature, if any) and tool calls; what is empty is
     * left out. Shared by the mapping of our history and by adapters that assemble a streamed response themselves.
     */
    public static AiMessage aiMessage(CharSequence text, CharSequence thinking, String signature,
            List<ToolExecutionRequest> calls) {
        AiMessage.Builder b = AiMessage.builder();
        if (!text.isEmpty()) {
            b.text(text.toString());
        }
        if (!thinking.isEmpty()) {
            b.thinking(thinking.toString());
        }
        if (signature != null) {
            Map<String, Object> attributes = new HashMap<>();
            attributes.put(THINKING_SIGNATURE, signature);
            b.attributes(attributes);
        }
        if (!calls.isEmpty()) {
            b.toolExecutionRequests(calls);
        }
        return b.build();
    }

    private static ToolExecutionResultMessage toolResult(ToolResultPart r, String provider, List<Content> attachments) {
        List<Content> contents = new ArrayList<>(r.contents().size());
        for (ResultContent c : r.contents()) {
            switch (c) {
                case TextPart t -> contents.add(TextContent.from(t.text()));
                case ImageInlinePart i -> contents.add(ImageContent.from(i.encodedData(), i.mimeType()));
                case FileInlinePart f -> {
                    contents.add(TextContent.from("[" + f.mimeType() + " file attached after the tool results]"));
                    attachments.add(file(f.encodedData(), f.mimeType(), provider));
                }
            }
        }
        if (contents.isEmpty()) {
            contents.add(TextContent.from(""));
        }
        ToolExecutionResultMessage.Builder b = ToolExecutionResultMessage.builder().id(r.toolCallId())
                .toolName(r.toolName()).contents(contents);
        if (Boolean.TRUE.equals(r.isError())) {
            b.isError(true);
        }
        return b.build();
    }

    /**
     * Tool definitions keep their JSON Schemas unchanged: every property (and {@code $defs}) is passed as a raw
     * schema, so nothing is lost converting to the library's typed schema model.
     */
    public static List<ToolSpecification> toToolSpecifications(List<ToolDefinition> tools) {
        return toToolSpecifications(tools, false);
    }

    /**
     * Tool definitions for a library adapter that cannot pass raw schemas through (Gemini): each property is read
     * into LangChain4j's typed schema model by the library's own reader instead.
     */
    public static List<ToolSpecification> toTypedToolSpecifications(List<ToolDefinition> tools) {
        return toToolSpecifications(tools, true);
    }

    private static List<ToolSpecification> toToolSpecifications(List<ToolDefinition> tools, boolean typed) {
        List<ToolSpecification> out = new ArrayList<>(tools.size());
        for (ToolDefinition t : tools) {
            ToolSpecification.Builder b = ToolSpecification.builder().name(t.name());
            if (t.description() != null) {
                b.description(t.description());
            }
            b.parameters(objectSchema(t.inputSchema(), typed));
            out.add(b.build());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static dev.langchain4j.model.chat.request.json.JsonSchemaElement element(JsonNode schema,
                                                                                     boolean typed) {
        if (!typed) {
            return JsonRawSchema.from(Json.write(schema));
        }
        return dev.langchain4j.internal.JsonSchemaElementJsonUtils.fromMap(
                Json.mapper().convertValue(typedSubset(schema), Map.class));
    }

    private static final java.util.Set<String> TYPED_KEYS = java.util.Set.of("type", "description", "enum",
            "properties", "required", "items", "anyOf", "$ref", "additionalProperties");

    /**
     * The part of a JSON Schema the library's typed model can hold: validation keywords it has no field for
     * (defaults, formats, bounds, titles) would otherwise turn the whole property into a raw schema that the Gemini
     * adapter rejects. They only constrain values, so the model still sees every property, type and description.
     */
    private static JsonNode typedSubset(JsonNode schema) {
        if (!schema.isObject()) {
            return schema;
        }
        ObjectNode out = Json.object();
        schema.fields().forEachRemaining(e -> {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (!TYPED_KEYS.contains(key)) {
                return;
            }
            switch (key) {
                case "type" -> {
                    if (v.isArray()) {
                        // ["string","null"]: the typed model has one type per element; keep the non-null one.
                        for (JsonNode t : v) {
                            if (!"null".equals(t.asText())) {
                                out.put("type", t.asText());
                                break;
                            }
                        }
                    } else {
                        out.set("type", v);
                    }
                }
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    v.fields().forEachRemaining(p -> props.set(p.getKey(), typedSubset(p.getValue())));
                }
                case "items" -> out.set("items", typedSubset(v));
                case "anyOf" -> {
                    com.fasterxml.jackson.databind.node.ArrayNode any = out.putArray("anyOf");
                    v.forEach(a -> any.add(typedSubset(a)));
                }
                case "additionalProperties" -> {
                    if (v.isBoolean()) {
                        out.set(key, v);
                    }
                }
                default -> out.set(key, v);
            }
        });
        if (!out.has("type") && !out.has("anyOf") && !out.has("$ref") && !out.has("enum")) {
            // An unconstrained value ({}): the typed model needs some type; a string is what models send anyway.
            out.put("type", out.has("properties") ? "object" : "string");
        }
        return out;
    }

    private static JsonObjectSchema objectSchema(JsonNode schema, boolean typed) {
        JsonObjectSchema.Builder b = JsonObjectSchema.builder();
        if (schema == null || !schema.isObject()) {
            return b.build();
        }
        JsonNode props = schema.path("properties");
        if (props.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = props.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                b.addProperty(e.getKey(), element(e.getValue(), typed));
            }
        }
        JsonNode required = schema.path("required");
        if (required.isArray()) {
            List<String> names = new ArrayList<>();
            required.forEach(n -> names.add(n.asText()));
            b.required(names);
        }
        if (schema.path("additionalProperties").isBoolean()) {
            b.additionalProperties(schema.path("additionalProperties").asBoolean());
        }
        if (schema.path("description").isTextual()) {
            b.description(schema.path("description").asText());
        }
        for (String defsKey : List.of("$defs", "definitions")) {
            JsonNode defs = schema.path(defsKey);
            if (defs.isObject()) {
                Map<String, dev.langchain4j.model.chat.request.json.JsonSchemaElement> d = new HashMap<>();
                defs.fields().forEachRemaining(e -> d.put(e.getKey(), element(e.getValue(), typed)));
                b.definitions(d);
            }
        }
        return b.build();
    }

    /** Parses tool-call arguments; malformed JSON from the model is kept as {@code {"_raw": "..."}}. */
    public static JsonNode parseArguments(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode n = Json.mapper().readTree(arguments);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through
        }
        ObjectNode raw = Json.object();
        raw.put("_raw", arguments);
        return raw;
    }
}
