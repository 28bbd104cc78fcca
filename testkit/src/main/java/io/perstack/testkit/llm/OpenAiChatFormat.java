package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Chat Completions API. Streams {@code chat.completion.chunk} objects: a role chunk, reasoning as
 * {@code reasoning_content} deltas (the DeepSeek-style field OpenAI-compatible clients read; OpenAI itself sends no
 * reasoning text), content deltas, per tool call one chunk with id, type and name followed by {@code arguments}
 * fragments under the same {@code index}, a chunk with {@code finish_reason}, then — only when
 * {@code stream_options.include_usage} is set — a usage chunk with empty {@code choices}, and {@code data: [DONE]}.
 */
record OpenAiChatFormat() implements WireFormat {

    @Override
    public Wire wire() {
        return Wire.OPENAI;
    }

    @Override
    public boolean streaming(String path, String query, JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    @Override
    public JsonNode body(Reply reply, RecordedRequest request) {
        ObjectNode body = envelope(request, "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (reply.text() != null) {
            message.put("content", reply.text());
        } else {
            message.putNull("content");
        }
        if (reply.thinking() != null) {
            message.put("reasoning_content", reply.thinking().text());
        }
        message.putNull("refusal");
        if (!reply.toolCalls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (int i = 0; i < reply.toolCalls().size(); i++) {
                Reply.ToolCall call = reply.toolCalls().get(i);
                ObjectNode c = calls.addObject().put("id", WireFormat.toolCallId(call, request, i))
                        .put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", Json.write(call.input()));
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", reply.effectiveStopReason().openAi());
        body.set("usage", usage(reply.usage()));
        return body;
    }

    @Override
    public Stream stream(Reply reply, RecordedRequest request) {
        boolean includeUsage = request.body().path("stream_options").path("include_usage").asBoolean(false);
        List<byte[]> frames = new ArrayList<>();
        // Like the real API: the role chunk has content "" for a text answer and null for a tool-call-only one.
        ObjectNode first = Json.object().put("role", "assistant");
        if (reply.text() == null && !reply.toolCalls().isEmpty()) {
            first.putNull("content");
        } else {
            first.put("content", "");
        }
        first.putNull("refusal");
        frames.add(chunk(request, includeUsage, first, null));
        if (reply.thinking() != null) {
            for (String piece : Fragments.ofText(reply.thinking().text())) {
                frames.add(chunk(request, includeUsage, Json.object().put("reasoning_content", piece), null));
            }
        }
        if (reply.text() != null) {
            for (String piece : Fragments.ofText(reply.text())) {
                frames.add(chunk(request, includeUsage, Json.object().put("content", piece), null));
            }
        }
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            Reply.ToolCall call = reply.toolCalls().get(i);
            ObjectNode opening = Json.object();
            ObjectNode head = opening.putArray("tool_calls").addObject().put("index", i)
                    .put("id", WireFormat.toolCallId(call, request, i)).put("type", "function");
            head.putObject("function").put("name", call.name()).put("arguments", "");
            frames.add(chunk(request, includeUsage, opening, null));
            for (String piece : Fragments.ofJson(Json.write(call.input()))) {
                ObjectNode fragment = Json.object();
                fragment.putArray("tool_calls").addObject().put("index", i).putObject("function")
                        .put("arguments", piece);
                frames.add(chunk(request, includeUsage, fragment, null));
            }
        }
        if (reply.streamError() != null) {
            // A named event: LangChain4j only treats "event: error" as a failure; the official SDKs accept both.
            HttpError http = new HttpError(500, reply.streamError());
            frames.add(Sse.event("error", errorJson(http.openAiType(), http.message(), null)));
            return new Stream(Sse.CONTENT_TYPE, frames);
        }
        frames.add(chunk(request, includeUsage, Json.object(), reply.effectiveStopReason().openAi()));
        if (includeUsage) {
            ObjectNode last = envelope(request, "chat.completion.chunk");
            last.putArray("choices");
            last.set("usage", usage(reply.usage()));
            frames.add(Sse.data(last));
        }
        frames.add(Sse.data("[DONE]"));
        return new Stream(Sse.CONTENT_TYPE, frames);
    }

    @Override
    public JsonNode error(int status, Reply.ProviderError error, RecordedRequest request) {
        HttpError http = new HttpError(status, error);
        return errorJson(http.openAiType(), http.message(), http.openAiCode());
    }

    private static ObjectNode errorJson(String type, String message, String code) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error").put("message", message).put("type", type).putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return body;
    }

    private static ObjectNode envelope(RecordedRequest request, String object) {
        String model = request.model() == null ? "scripted-model" : request.model();
        return Json.object().put("id", "chatcmpl-scripted-" + request.index()).put("object", object)
                .put("created", Instant.now().getEpochSecond()).put("model", model)
                .put("system_fingerprint", "fp_scripted");
    }

    private static byte[] chunk(RecordedRequest request, boolean includeUsage, ObjectNode delta, String finish) {
        ObjectNode chunk = envelope(request, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        if (includeUsage) {
            // With include_usage every chunk carries "usage": null until the final usage chunk.
            chunk.putNull("usage");
        }
        return Sse.data(chunk);
    }

    private static ObjectNode usage(Reply.Usage usage) {
        ObjectNode node = Json.object().put("prompt_tokens", usage.promptTotal())
                .put("completion_tokens", usage.output())
                .put("total_tokens", usage.promptTotal() + usage.output());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheRead()).put("audio_tokens", 0);
        node.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoning())
                .put("audio_tokens", 0).put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return node;
    }
}
