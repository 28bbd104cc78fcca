package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** How one provider protocol writes a {@link Reply}: as a whole JSON body, as streamed frames, or as an error. */
sealed interface WireFormat
        permits AnthropicMessagesFormat, OpenAiChatFormat, GeminiFormat, OllamaChatFormat, BedrockConverseFormat {

    Wire wire();

    /** Whether the request asks for a streamed response (a body flag, a path, or the protocol's default). */
    boolean streaming(String path, String query, JsonNode body);

    /** The complete non-streamed response body. */
    JsonNode body(Reply reply, RecordedRequest request);

    /** The streamed response: content type and frames, each written and flushed on its own. */
    Stream stream(Reply reply, RecordedRequest request);

    /** The protocol's error body for an HTTP error status. */
    JsonNode error(int status, Reply.ProviderError error, RecordedRequest request);

    /** Headers that belong to an error response in this protocol (Bedrock names the error type in one). */
    default Map<String, String> errorHeaders(int status, Reply.ProviderError error) {
        return Map.of();
    }

    /** Content type and frames of a streamed response. */
    record Stream(String contentType, List<byte[]> frames) {
        public Stream {
            frames = List.copyOf(frames);
        }
    }

    /** The tool call id to send: the scripted one, or a stable one derived from the request and position. */
    static String toolCallId(Reply.ToolCall call, RecordedRequest request, int position) {
        return call.id() != null ? call.id() : "call_" + request.index() + "_" + position;
    }
}
