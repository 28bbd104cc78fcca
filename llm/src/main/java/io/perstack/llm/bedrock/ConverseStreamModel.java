package io.perstack.llm.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.perstack.core.json.Json;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.llm.FailureClassifier;
import io.perstack.llm.http.Cancellation;
import io.perstack.llm.http.ExchangeThread;
import io.perstack.llm.http.HttpTransport;
import io.perstack.llm.http.ProviderRequest;
import io.perstack.llm.langchain.ChatMapping;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bedrock ConverseStream as a LangChain4j streaming model, so Bedrock shares the conversation mapping, deadline and
 * error classification of the library-backed providers. One instance serves one generation.
 */
final class ConverseStreamModel implements StreamingChatModel {
    static final int DEFAULT_MAX_TOKENS = 8192;

    /** Bedrock reports cache reads and writes apart from {@code inputTokens}, like Anthropic. */
    static final class ConverseTokenUsage extends TokenUsage {
        private final int cacheRead;
        private final int cacheWrite;

        ConverseTokenUsage(int input, int output, int cacheRead, int cacheWrite) {
            super(input, output);
            this.cacheRead = cacheRead;
            this.cacheWrite = cacheWrite;
        }

        int cacheRead() {
            return cacheRead;
        }

        int cacheWrite() {
            return cacheWrite;
        }
    }

    private final URI endpoint;
    private final SigV4 signer;
    private final HttpTransport transport;
    private final Cancellation cancellation;
    private final String modelId;
    private final List<ToolDefinition> tools;
    private final int thinkingBudget;

    ConverseStreamModel(String baseUrl, SigV4 signer, HttpTransport transport, Cancellation cancellation,
                        String modelId, List<ToolDefinition> tools, int thinkingBudget) {
        this.endpoint = URI.create(baseUrl + "/model/" + SigV4.encode(modelId) + "/converse-stream");
        this.signer = signer;
        this.transport = transport;
        this.cancellation = cancellation;
        this.modelId = modelId;
        this.tools = tools;
        this.thinkingBudget = thinkingBudget;
    }

    /** Anthropic models on Bedrock take extended thinking and cache points; others ignore or reject them. */
    static boolean isAnthropic(String modelId) {
        return modelId.toLowerCase(Locale.ROOT).contains("anthropic.");
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        byte[] body = Json.writeBytes(requestBody(request.messages()));
        Map<String, String> headers = new TreeMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", "application/vnd.amazon.eventstream");
        Map<String, String> auth = signer.sign("POST", endpoint, headers, body, Instant.now());
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.putAll(auth);
        ProviderRequest built = ProviderRequest.post(endpoint, all, body);
        ExchangeThread.start("perstack-bedrock-stream", () -> {
            try (InputStream in = transport.open(built, cancellation)) {
                read(in, handler);
            } catch (IOException | RuntimeException | InterruptedException e) {
                handler.onError(e);
            }
        });
    }

    ObjectNode requestBody(List<ChatMessage> messages) {
        ObjectNode root = Json.object();
        ArrayNode system = root.putArray("system");
        ArrayNode out = root.putArray("messages");
        boolean anthropic = isAnthropic(modelId);
        for (ChatMessage m : messages) {
            switch (m) {
                case SystemMessage s -> {
                    system.addObject().put("text", s.text());
                    if (anthropic) {
                        // Prompt caching applies to the instruction message only (docs/providers.md §3).
                        system.addObject().putObject("cachePoint").put("type", "default");
                    }
                }
                case UserMessage u -> {
                    ArrayNode content = append(out, "user");
                    for (Content c : u.contents()) {
                        content.add(content(c));
                    }
                }
                case AiMessage a -> {
                    ArrayNode content = append(out, "assistant");
                    if (a.thinking() != null && !a.thinking().isEmpty()) {
                        ObjectNode text = content.addObject().putObject("reasoningContent")
                                .putObject("reasoningText").put("text", a.thinking());
                        String signature = a.attribute(ChatMapping.THINKING_SIGNATURE, String.class);
                        if (signature != null) {
                            text.put("signature", signature);
                        }
                    }
                    if (a.text() != null && !a.text().isEmpty()) {
                        content.addObject().put("text", a.text());
                    }
                    if (a.hasToolExecutionRequests()) {
                        for (ToolExecutionRequest r : a.toolExecutionRequests()) {
                            content.addObject().putObject("toolUse").put("toolUseId", r.id()).put("name", r.name())
                                    .set("input", ChatMapping.parseArguments(r.arguments()));
                        }
                    }
                }
                case ToolExecutionResultMessage t -> {
                    ArrayNode content = append(out, "user");
                    ObjectNode result = content.addObject().putObject("toolResult").put("toolUseId", t.id());
                    ArrayNode parts = result.putArray("content");
                    for (Content c : t.contents()) {
                        parts.add(content(c));
                    }
                    if (Boolean.TRUE.equals(t.isError())) {
                        result.put("status", "error");
                    }
                }
                default -> throw new IllegalArgumentException("Unsupported message type " + m.type());
            }
        }
        int maxTokens = DEFAULT_MAX_TOKENS;
        if (thinkingBudget > 0 && anthropic) {
            // The output limit must exceed the thinking budget, as with Anthropic's own API.
            maxTokens = Math.max(DEFAULT_MAX_TOKENS, thinkingBudget + 4096);
            root.putObject("additionalModelRequestFields").putObject("thinking").put("type", "enabled")
                    .put("budget_tokens", thinkingBudget);
        }
        root.putObject("inferenceConfig").put("maxTokens", maxTokens);
        if (!tools.isEmpty()) {
            ArrayNode specs = root.putObject("toolConfig").putArray("tools");
            for (ToolDefinition t : tools) {
                ObjectNode spec = specs.addObject().putObject("toolSpec").put("name", t.name());
                if (t.description() != null) {
                    spec.put("description", t.description());
                }
                spec.putObject("inputSchema").set("json", t.inputSchema() == null ? Json.object() : t.inputSchema());
            }
        }
        if (system.isEmpty()) {
            root.remove("system");
        }
        return root;
    }

    /** Bedrock requires alternating roles: consecutive messages of one role (tool results) share one message. */
    private static ArrayNode append(ArrayNode messages, String role) {
        if (!messages.isEmpty() && messages.get(messages.size() - 1).path("role").asText().equals(role)) {
            return (ArrayNode) messages.get(messages.size() - 1).path("content");
        }
        ObjectNode m = messages.addObject().put("role", role);
        return m.putArray("content");
    }

    private static ObjectNode content(Content c) {
        ObjectNode node = Json.object();
        switch (c) {
            case TextContent t -> node.put("text", t.text());
            case ImageContent i -> {
                if (i.image().base64Data() == null) {
                    throw new IllegalArgumentException("Provider amazon-bedrock does not support image URL input");
                }
                String mime = i.image().mimeType() == null ? "image/png" : i.image().mimeType();
                node.putObject("image").put("format", mime.substring(mime.indexOf('/') + 1).replace("jpg", "jpeg"))
                        .putObject("source").put("bytes", i.image().base64Data());
            }
            case PdfFileContent p -> {
                if (p.pdfFile().base64Data() == null) {
                    throw new IllegalArgumentException("Provider amazon-bedrock does not support PDF URL input");
                }
                node.putObject("document").put("format", "pdf").put("name", "document")
                        .putObject("source").put("bytes", p.pdfFile().base64Data());
            }
            default -> throw new IllegalArgumentException("Provider amazon-bedrock does not support "
                    + c.type() + " input");
        }
        return node;
    }

    /** Accumulates the stream into one response, forwarding reasoning and text deltas as they arrive. */
    private void read(InputStream in, StreamingChatResponseHandler handler) throws IOException {
        EventStreamReader reader = new EventStreamReader(in);
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        String signature = null;
        Map<Integer, String[]> toolStarts = new TreeMap<>();
        Map<Integer, StringBuilder> toolInputs = new HashMap<>();
        String stopReason = null;
        ConverseTokenUsage usage = null;
        EventStreamReader.Message m;
        while ((m = reader.next()) != null) {
            String messageType = m.header(":message-type");
            if (!"event".equals(messageType)) {
                String type = m.header(":exception-type") != null ? m.header(":exception-type")
                        : m.header(":error-code");
                JsonNode payload = parse(m.payload());
                String message = payload.path("message").asText(m.header(":error-message"));
                handler.onError(new io.perstack.llm.ClassifiedFailure(FailureClassifier.fromStreamError(type, message)));
                return;
            }
            JsonNode e = parse(m.payload());
            switch (m.header(":event-type")) {
                case "contentBlockStart" -> {
                    JsonNode toolUse = e.path("start").path("toolUse");
                    if (toolUse.isObject()) {
                        toolStarts.put(e.path("contentBlockIndex").asInt(),
                                new String[] {toolUse.path("toolUseId").asText(), toolUse.path("name").asText()});
                    }
                }
                case "contentBlockDelta" -> {
                    JsonNode delta = e.path("delta");
                    if (delta.path("text").isTextual()) {
                        String piece = delta.path("text").asText();
                        text.append(piece);
                        if (!piece.isEmpty()) {
                            handler.onPartialResponse(piece);
                        }
                    } else if (delta.path("reasoningContent").isObject()) {
                        JsonNode r = delta.path("reasoningContent");
                        if (r.path("text").isTextual()) {
                            String piece = r.path("text").asText();
                            thinking.append(piece);
                            if (!piece.isEmpty()) {
                                handler.onPartialThinking(new PartialThinking(piece));
                            }
                        }
                        if (r.path("signature").isTextual()) {
                            signature = r.path("signature").asText();
                        }
                    } else if (delta.path("toolUse").isObject()) {
                        toolInputs.computeIfAbsent(e.path("contentBlockIndex").asInt(), k -> new StringBuilder())
                                .append(delta.path("toolUse").path("input").asText(""));
                    }
                }
                case "messageStop" -> stopReason = e.path("stopReason").asText(null);
                case "metadata" -> {
                    JsonNode u = e.path("usage");
                    usage = new ConverseTokenUsage(u.path("inputTokens").asInt(), u.path("outputTokens").asInt(),
                            u.path("cacheReadInputTokens").asInt(), u.path("cacheWriteInputTokens").asInt());
                }
                default -> { }
            }
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        toolStarts.forEach((index, start) -> {
            StringBuilder args = toolInputs.get(index);
            calls.add(ToolExecutionRequest.builder().id(start[0]).name(start[1])
                    .arguments(args == null || args.isEmpty() ? "{}" : args.toString()).build());
        });
        if (stopReason == null) {
            handler.onError(new IOException("Bedrock stream ended without messageStop"));
            return;
        }
        handler.onCompleteResponse(ChatResponse.builder().aiMessage(ChatMapping.aiMessage(text, thinking, signature, calls)).modelName(modelId)
                .finishReason(finishReason(stopReason))
                .tokenUsage(usage == null ? new ConverseTokenUsage(0, 0, 0, 0) : usage).build());
    }

    static FinishReason finishReason(String stopReason) {
        return switch (stopReason) {
            case "end_turn", "stop_sequence" -> FinishReason.STOP;
            case "tool_use" -> FinishReason.TOOL_EXECUTION;
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "guardrail_intervened", "content_filtered" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    private static JsonNode parse(byte[] payload) throws IOException {
        if (payload.length == 0) {
            return Json.object();
        }
        return Json.mapper().readTree(new String(payload, StandardCharsets.UTF_8));
    }
}
