package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Google Gemini {@code generateContent} / {@code streamGenerateContent}. Each streamed chunk is a whole
 * {@code GenerateContentResponse}: thought parts ({@code "thought": true}, the signature as {@code thoughtSignature}
 * on the last one), text parts, then each function call as one complete part (Gemini never splits call arguments);
 * the last chunk carries {@code finishReason} and the full {@code usageMetadata}. With {@code alt=sse} chunks are SSE
 * frames, otherwise one JSON array streamed element by element.
 */
record GeminiFormat() implements WireFormat {

    @Override
    public Wire wire() {
        return Wire.GEMINI;
    }

    @Override
    public boolean streaming(String path, String query, JsonNode body) {
        return path.endsWith(":streamGenerateContent");
    }

    @Override
    public JsonNode body(Reply reply, RecordedRequest request) {
        List<ObjectNode> parts = new ArrayList<>();
        if (reply.thinking() != null) {
            parts.add(thought(reply.thinking().text(), reply.thinking().signature()));
        }
        if (reply.text() != null) {
            parts.add(Json.object().put("text", reply.text()));
        }
        reply.toolCalls().forEach(call -> parts.add(functionCall(call)));
        return response(request, parts, reply, true);
    }

    @Override
    public Stream stream(Reply reply, RecordedRequest request) {
        List<List<ObjectNode>> chunks = new ArrayList<>();
        if (reply.thinking() != null) {
            List<String> pieces = Fragments.ofText(reply.thinking().text());
            for (int i = 0; i < pieces.size(); i++) {
                chunks.add(List.of(thought(pieces.get(i),
                        i == pieces.size() - 1 ? reply.thinking().signature() : null)));
            }
        }
        if (reply.text() != null) {
            Fragments.ofText(reply.text()).forEach(piece -> chunks.add(List.of(Json.object().put("text", piece))));
        }
        reply.toolCalls().forEach(call -> chunks.add(List.of(functionCall(call))));
        if (chunks.isEmpty()) {
            // Gemini always sends at least one candidate chunk to carry finishReason and usage.
            chunks.add(List.of(Json.object().put("text", "")));
        }
        List<JsonNode> responses = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            boolean last = i == chunks.size() - 1 && reply.streamError() == null;
            responses.add(response(request, chunks.get(i), reply, last));
        }
        if (reply.streamError() != null) {
            responses.add(error(500, reply.streamError(), request));
        }
        boolean sse = request.query().contains("alt=sse");
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < responses.size(); i++) {
            String json = Json.write(responses.get(i));
            if (sse) {
                // Gemini terminates SSE frames with CRLF pairs.
                frames.add(("data: " + json + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            } else {
                String prefix = i == 0 ? "[" : ",\r\n";
                String suffix = i == responses.size() - 1 ? "]" : "";
                frames.add((prefix + json + suffix).getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Stream(sse ? Sse.CONTENT_TYPE : "application/json; charset=UTF-8", frames);
    }

    @Override
    public JsonNode error(int status, Reply.ProviderError error, RecordedRequest request) {
        HttpError http = new HttpError(status, error);
        ObjectNode body = Json.object();
        body.putObject("error").put("code", status).put("message", http.message()).put("status", http.googleStatus());
        return body;
    }

    private static ObjectNode thought(String text, String signature) {
        ObjectNode part = Json.object().put("text", text).put("thought", true);
        if (signature != null) {
            part.put("thoughtSignature", signature);
        }
        return part;
    }

    private static ObjectNode functionCall(Reply.ToolCall call) {
        ObjectNode part = Json.object();
        part.putObject("functionCall").put("name", call.name()).set("args", call.input());
        return part;
    }

    private static ObjectNode response(RecordedRequest request, List<ObjectNode> parts, Reply reply, boolean last) {
        ObjectNode response = Json.object();
        ObjectNode candidate = response.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        ArrayNode array = content.putArray("parts");
        parts.forEach(array::add);
        content.put("role", "model");
        if (last) {
            candidate.put("finishReason", reply.effectiveStopReason().gemini());
        }
        candidate.put("index", 0);
        Reply.Usage usage = reply.usage();
        ObjectNode meta = response.putObject("usageMetadata").put("promptTokenCount", usage.promptTotal());
        if (last) {
            // Gemini counts thoughts apart from candidates; together they are the output tokens.
            meta.put("candidatesTokenCount", Math.max(0, usage.output() - usage.reasoning()));
            if (usage.cacheRead() > 0) {
                meta.put("cachedContentTokenCount", usage.cacheRead());
            }
            if (usage.reasoning() > 0) {
                meta.put("thoughtsTokenCount", usage.reasoning());
            }
            meta.put("totalTokenCount", usage.promptTotal() + usage.output());
        } else {
            meta.put("totalTokenCount", usage.promptTotal());
        }
        response.put("modelVersion", request.model() == null ? "scripted-model" : request.model());
        response.put("responseId", "scripted-" + request.index());
        return response;
    }
}
