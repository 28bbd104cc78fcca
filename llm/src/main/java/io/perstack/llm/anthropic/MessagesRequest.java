package io.perstack.llm.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.MessagePart.ThinkingPart;
import io.perstack.core.model.MessagePart.ToolCallPart;
import io.perstack.core.model.MessagePart.ToolResultPart;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.ProviderError;
import io.perstack.llm.langchain.ChatMapping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the body of a streaming Messages API request. Every message's content blocks are encoded once and reused,
 * as bytes, by every later request of the same history, so building a step's request costs the new messages plus a
 * byte copy of the rest. Consecutive messages of one role (a tool message and the user message after it) share one
 * turn, assembled from the per-message blocks.
 */
final class MessagesRequest {
    static final int DEFAULT_MAX_TOKENS = 8192;
    /** Anthropic rejects thinking budgets below this. */
    static final int MIN_THINKING_BUDGET = 1024;

    private static final SerializedString BLOCK_SEPARATOR = new SerializedString(",");
    private static final String PDF = "application/pdf";

    /**
     * The content blocks of one message and the turn role they belong to ({@code blocks} null when there are none);
     * for an instruction, its text as a JSON string.
     */
    private record Encoded(String role, RawJson blocks) {}

    private final IdentityCache<Message, Encoded> messages = new IdentityCache<>();
    private final IdentityCache<ToolDefinition, RawJson> tools = new IdentityCache<>();

    /** A message part Anthropic cannot take; the generation fails without a request being sent. */
    static final class UnsupportedInput extends RuntimeException {
        UnsupportedInput(String mimeType) {
            super("Provider anthropic does not support " + mimeType + " input");
        }

        ProviderError error() {
            return new ProviderError("UnsupportedInputError", getMessage(), null, false, null);
        }
    }

    /** Messages cached so far (for tests). */
    int cachedMessages() {
        return messages.size();
    }

    byte[] body(GenerationRequest request) {
        List<Message> history = request.messages();
        List<Encoded> turns = new ArrayList<>(history.size());
        List<RawJson> instructions = new ArrayList<>(1);
        int size = 512;
        for (Message m : history) {
            Encoded e = messages.get(m, MessagesRequest::encode);
            if (e.blocks() == null) {
                continue;
            }
            size += e.blocks().length() + 32;
            if (m instanceof Message.InstructionMessage) {
                instructions.add(e.blocks());
            } else {
                turns.add(e);
            }
        }
        List<RawJson> toolJson = new ArrayList<>(request.tools().size());
        for (ToolDefinition t : request.tools()) {
            RawJson json = tools.get(t, MessagesRequest::encodeTool);
            toolJson.add(json);
            size += json.length() + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try (JsonGenerator g = Json.mapper().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", request.model());
            g.writeArrayFieldStart("messages");
            String role = null;
            for (Encoded turn : turns) {
                if (!turn.role().equals(role)) {
                    if (role != null) {
                        g.writeEndArray();
                        g.writeEndObject();
                    }
                    role = turn.role();
                    g.writeStartObject();
                    g.writeStringField("role", role);
                    g.writeArrayFieldStart("content");
                }
                g.writeRawValue(turn.blocks());
            }
            if (role != null) {
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            if (!instructions.isEmpty()) {
                g.writeArrayFieldStart("system");
                for (int i = 0; i < instructions.size(); i++) {
                    // The last system block carries the prompt-cache breakpoint (docs/providers.md §3).
                    system(g, instructions.get(i), i == instructions.size() - 1);
                }
                g.writeEndArray();
            }
            int budget = thinkingBudget(request);
            g.writeNumberField("max_tokens", budget > 0 ? Math.max(DEFAULT_MAX_TOKENS, budget + 4096)
                    : DEFAULT_MAX_TOKENS);
            g.writeBooleanField("stream", true);
            if (budget > 0) {
                g.writeObjectFieldStart("thinking");
                g.writeStringField("type", "enabled");
                g.writeNumberField("budget_tokens", budget);
                g.writeEndObject();
            }
            if (!toolJson.isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (RawJson t : toolJson) {
                    g.writeRawValue(t);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The thinking budget, or 0 when reasoning is off; the output limit must exceed it (docs/providers.md §4). */
    static int thinkingBudget(GenerationRequest request) {
        if (request.reasoning() == null || !request.reasoning().enabled()) {
            return 0;
        }
        return Math.max(MIN_THINKING_BUDGET, request.reasoning().tokenCount());
    }

    /** A system block around an instruction's text, cached as an encoded JSON string. */
    private static void system(JsonGenerator g, RawJson text, boolean cached) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "text");
        g.writeFieldName("text");
        g.writeRawValue(text);
        if (cached) {
            g.writeObjectFieldStart("cache_control");
            g.writeStringField("type", "ephemeral");
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** One part's text as it is (a missing text stays missing), more parts one per line. */
    private static String joinText(List<TextPart> parts) {
        return parts.size() == 1 ? parts.getFirst().text() : ChatMapping.joinText(parts);
    }

    // ---- one message's content blocks, written as comma-separated root values

    @FunctionalInterface
    private interface BlockWriter {
        void write(JsonGenerator g) throws IOException;
    }

    private static RawJson blocks(BlockWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.mapper().createGenerator(out)) {
            g.setRootValueSeparator(BLOCK_SEPARATOR);
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.size() == 0 ? null : new RawJson(out.toByteArray());
    }

    static Encoded encode(Message m) {
        return switch (m) {
            case Message.UserMessage u -> new Encoded("user", blocks(g -> {
                for (MessagePart.UserContent p : u.contents()) {
                    userPart(g, p);
                }
            }));
            case Message.ExpertMessage e -> new Encoded("assistant", blocks(g -> expert(g, e.contents())));
            case Message.ToolMessage t -> new Encoded("user", blocks(g -> {
                for (ToolResultPart r : t.contents()) {
                    toolResult(g, r);
                }
            }));
            // The instruction becomes system text; only the JSON string is cached, as the cache marker goes on the
            // last system block alone.
            case Message.InstructionMessage i ->
                    new Encoded("system", blocks(g -> g.writeString(joinText(i.contents()))));
        };
    }

    private static void userPart(JsonGenerator g, MessagePart.UserContent p) throws IOException {
        switch (p) {
            case TextPart t -> text(g, t.text());
            case MessagePart.ImageInlinePart i -> base64(g, "image", i.mimeType(), i.encodedData());
            case MessagePart.ImageBinaryPart i -> base64(g, "image", i.mimeType(), i.data());
            case MessagePart.ImageUrlPart i -> url(g, "image", i.url());
            case MessagePart.FileInlinePart f -> base64(g, "document", pdf(f.mimeType()), f.encodedData());
            case MessagePart.FileBinaryPart f -> base64(g, "document", pdf(f.mimeType()), f.data());
            case MessagePart.FileUrlPart f -> {
                pdf(f.mimeType());
                url(g, "document", f.url());
            }
        }
    }

    /** Files are sent as documents, which Anthropic takes for PDFs only. */
    private static String pdf(String mimeType) {
        if (!PDF.equals(mimeType)) {
            throw new UnsupportedInput(mimeType);
        }
        return mimeType;
    }

    /**
     * Thinking first (each part with its own signature, which Anthropic needs to accept it back), then the text, then
     * the tool calls: the order of an assistant turn. Blank thinking and text are left out, as Anthropic rejects
     * blank text blocks.
     */
    private static void expert(JsonGenerator g, List<MessagePart.ExpertContent> parts) throws IOException {
        StringBuilder text = new StringBuilder();
        for (MessagePart.ExpertContent p : parts) {
            if (p instanceof ThinkingPart th && th.thinking() != null && !th.thinking().isBlank()) {
                g.writeStartObject();
                g.writeStringField("type", "thinking");
                g.writeStringField("thinking", th.thinking());
                if (th.signature() != null) {
                    g.writeStringField("signature", th.signature());
                }
                g.writeEndObject();
            } else if (p instanceof TextPart t) {
                text.append(t.text());
            }
        }
        if (!text.toString().isBlank()) {
            text(g, text.toString());
        }
        for (MessagePart.ExpertContent p : parts) {
            if (p instanceof ToolCallPart c) {
                g.writeStartObject();
                g.writeStringField("type", "tool_use");
                g.writeStringField("id", c.toolCallId());
                g.writeStringField("name", c.toolName());
                g.writeFieldName("input");
                if (c.args() != null && c.args().isObject()) {
                    g.writeTree(c.args());
                } else {
                    g.writeStartObject();
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
        }
    }

    /**
     * A single text result is sent as a string, anything else as blocks; PDFs go into the result as documents, which
     * the Messages API accepts there.
     */
    private static void toolResult(JsonGenerator g, ToolResultPart r) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "tool_result");
        g.writeStringField("tool_use_id", r.toolCallId());
        List<MessagePart.ResultContent> contents = r.contents();
        if (contents.isEmpty()) {
            g.writeStringField("content", "");
        } else if (contents.size() == 1 && contents.getFirst() instanceof TextPart t) {
            g.writeStringField("content", t.text());
        } else {
            g.writeArrayFieldStart("content");
            for (MessagePart.ResultContent c : contents) {
                switch (c) {
                    case TextPart t -> text(g, t.text());
                    case MessagePart.ImageInlinePart i -> base64(g, "image", i.mimeType(), i.encodedData());
                    case MessagePart.FileInlinePart f -> base64(g, "document", pdf(f.mimeType()), f.encodedData());
                }
            }
            g.writeEndArray();
        }
        if (Boolean.TRUE.equals(r.isError())) {
            g.writeBooleanField("is_error", true);
        }
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, String text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "text");
        g.writeStringField("text", text);
        g.writeEndObject();
    }

    private static void base64(JsonGenerator g, String type, String mimeType, String data) throws IOException {
        if (mimeType == null || mimeType.isBlank()) {
            throw new UnsupportedInput(type + " without a mime type");
        }
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeObjectFieldStart("source");
        g.writeStringField("type", "base64");
        g.writeStringField("media_type", mimeType);
        g.writeStringField("data", data);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void url(JsonGenerator g, String type, String url) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeObjectFieldStart("source");
        g.writeStringField("type", "url");
        g.writeStringField("url", url);
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * The tool's JSON Schema is sent unchanged (docs/providers.md §3) with two exceptions Anthropic forces: the top must
     * be an object schema, and it may not combine alternatives there ({@code anyOf}/{@code oneOf}/{@code allOf} at
     * the top are rejected with a 400, which would fail every generation of an Expert using such an MCP tool). Those
     * combinators are dropped; the properties, which describe every argument, stay.
     */
    private static final List<String> TOP_LEVEL_COMBINATORS = List.of("anyOf", "oneOf", "allOf");

    private static RawJson encodeTool(ToolDefinition t) {
        JsonNode schema = t.inputSchema();
        if (schema == null || !schema.isObject()) {
            ObjectNode empty = Json.object().put("type", "object");
            empty.putObject("properties");
            schema = empty;
        } else if (!schema.has("type") || TOP_LEVEL_COMBINATORS.stream().anyMatch(schema::has)) {
            ObjectNode typed = Json.object().put("type", "object");
            typed.setAll((ObjectNode) schema);
            typed.remove(TOP_LEVEL_COMBINATORS);
            schema = typed;
        }
        JsonNode inputSchema = schema;
        return blocks(g -> {
            g.writeStartObject();
            g.writeStringField("name", t.name());
            if (t.description() != null) {
                g.writeStringField("description", t.description());
            }
            g.writeFieldName("input_schema");
            g.writeTree(inputSchema);
            g.writeEndObject();
        });
    }
}
