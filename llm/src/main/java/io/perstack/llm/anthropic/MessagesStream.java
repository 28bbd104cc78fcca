package io.perstack.llm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.MessagePart.ThinkingPart;
import io.perstack.core.model.Usage;
import io.perstack.llm.ClassifiedFailure;
import io.perstack.llm.FailureClassifier;
import io.perstack.llm.FinishReason;
import io.perstack.llm.GeneratedToolCall;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationResult;
import io.perstack.llm.langchain.ChatMapping;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Decodes one streamed Messages API response (server-sent events) into a {@link GenerationResult}, forwarding text
 * and thinking deltas as they arrive. An {@code error} event fails the generation with the provider's error type; a
 * stream that ends before {@code message_stop} fails it as a retryable transport error, so a truncated answer never
 * passes for a complete one.
 */
final class MessagesStream {
    private final GenerationListener listener;
    /** False once the generation was given up (deadline), so no delta reaches the listener after the outcome. */
    private final BooleanSupplier live;

    private final TreeMap<Integer, Block> blocks = new TreeMap<>();
    private long inputTokens;
    private long outputTokens;
    private long cacheWriteTokens;
    private long cacheReadTokens;
    private String stopReason;
    private boolean stopped;

    /** One content block as it accumulates. */
    private static final class Block {
        final String type;
        final StringBuilder text = new StringBuilder();
        String signature;
        String id;
        String name;
        JsonNode startInput;

        Block(String type) {
            this.type = type;
        }
    }

    private MessagesStream(GenerationListener listener, BooleanSupplier live) {
        this.listener = listener;
        this.live = live;
    }

    /** Reads {@code in} to its end (so the connection can be reused) and returns the finished generation. */
    static GenerationResult read(InputStream in, GenerationListener listener, BooleanSupplier live)
            throws IOException {
        MessagesStream stream = new MessagesStream(listener, live);
        SseReader reader = new SseReader(in);
        String data;
        while ((data = reader.next()) != null) {
            stream.onData(data);
        }
        if (!stream.stopped) {
            throw new EOFException("Anthropic stream ended without message_stop");
        }
        return stream.result();
    }

    private void onData(String data) throws IOException {
        if (data.isEmpty() || data.charAt(0) != '{') {
            // Gateways in front of the API may add keep-alive comments or a "[DONE]" sentinel.
            return;
        }
        JsonNode event = Json.mapper().readTree(data);
        switch (event.path("type").asText("")) {
            case "message_start" -> usage(event.path("message").path("usage"));
            case "content_block_start" -> blockStart(event.path("index").asInt(), event.path("content_block"));
            case "content_block_delta" -> blockDelta(event.path("index").asInt(), event.path("delta"));
            case "message_delta" -> {
                JsonNode reason = event.path("delta").path("stop_reason");
                if (reason.isTextual()) {
                    stopReason = reason.asText();
                }
                usage(event.path("usage"));
            }
            case "message_stop" -> stopped = true;
            case "error" -> {
                JsonNode error = event.path("error");
                throw new ClassifiedFailure(FailureClassifier.fromStreamError(error.path("type").asText(null),
                        error.path("message").asText("")));
            }
            default -> { } // ping, content_block_stop and event types added later carry nothing we keep
        }
    }

    /** Numbers present in a usage object replace earlier ones: message_delta carries the final counts. */
    private void usage(JsonNode u) {
        if (u.path("input_tokens").isNumber()) {
            inputTokens = u.path("input_tokens").asLong();
        }
        if (u.path("output_tokens").isNumber()) {
            outputTokens = u.path("output_tokens").asLong();
        }
        if (u.path("cache_creation_input_tokens").isNumber()) {
            cacheWriteTokens = u.path("cache_creation_input_tokens").asLong();
        }
        if (u.path("cache_read_input_tokens").isNumber()) {
            cacheReadTokens = u.path("cache_read_input_tokens").asLong();
        }
    }

    private void blockStart(int index, JsonNode content) {
        Block block = new Block(content.path("type").asText(""));
        blocks.put(index, block);
        switch (block.type) {
            case "text" -> text(block, content.path("text").asText(""));
            case "thinking" -> {
                thinking(block, content.path("thinking").asText(""));
                if (content.path("signature").isTextual()) {
                    block.signature = content.path("signature").asText();
                }
            }
            case "tool_use" -> {
                block.id = content.path("id").asText();
                block.name = content.path("name").asText();
                block.startInput = content.path("input");
            }
            default -> { } // redacted_thinking and server-tool blocks are not kept, as before
        }
    }

    private void blockDelta(int index, JsonNode delta) {
        Block block = blocks.get(index);
        if (block == null) {
            return;
        }
        switch (delta.path("type").asText("")) {
            case "text_delta" -> text(block, delta.path("text").asText(""));
            case "thinking_delta" -> thinking(block, delta.path("thinking").asText(""));
            case "signature_delta" -> block.signature = delta.path("signature").asText(null);
            case "input_json_delta" -> block.text.append(delta.path("partial_json").asText(""));
            default -> { }
        }
    }

    private void text(Block block, String piece) {
        if (!piece.isEmpty()) {
            block.text.append(piece);
            if (live.getAsBoolean()) {
                listener.textDelta(piece);
            }
        }
    }

    private void thinking(Block block, String piece) {
        if (!piece.isEmpty()) {
            block.text.append(piece);
            if (live.getAsBoolean()) {
                listener.reasoningDelta(piece);
            }
        }
    }

    private GenerationResult result() {
        List<ThinkingPart> thinking = new ArrayList<>(1);
        StringBuilder text = new StringBuilder();
        List<GeneratedToolCall> calls = new ArrayList<>();
        for (Block b : blocks.values()) {
            switch (b.type) {
                case "thinking" -> {
                    if (!b.text.isEmpty()) {
                        thinking.add(new ThinkingPart(Ids.next(), b.text.toString(),
                                b.signature == null || b.signature.isEmpty() ? null : b.signature));
                    }
                }
                case "text" -> {
                    if (!b.text.isEmpty()) {
                        // Several text blocks (around tool calls) read as paragraphs, as LangChain4j joined them.
                        if (!text.isEmpty()) {
                            text.append('\n');
                        }
                        text.append(b.text);
                    }
                }
                case "tool_use" -> {
                    JsonNode args = !b.text.isEmpty() ? ChatMapping.parseArguments(b.text.toString())
                            : b.startInput != null && b.startInput.isObject() ? b.startInput : Json.object();
                    calls.add(new GeneratedToolCall(b.id, b.name, args));
                }
                default -> { }
            }
        }
        // Cache writes are input; cache reads are the cached input (docs/providers.md §5).
        Usage usage = Usage.of(inputTokens + cacheWriteTokens, cacheReadTokens, outputTokens, 0);
        return new GenerationResult(thinking, text.toString(), calls, finishReason(stopReason), usage);
    }

    static FinishReason finishReason(String stopReason) {
        if (stopReason == null) {
            return FinishReason.of(FinishReason.Kind.OTHER);
        }
        return switch (stopReason) {
            case "end_turn", "stop_sequence" -> FinishReason.of(FinishReason.Kind.STOP);
            case "tool_use" -> FinishReason.of(FinishReason.Kind.TOOL_CALLS);
            case "max_tokens" -> FinishReason.of(FinishReason.Kind.LENGTH);
            case "refusal" -> FinishReason.of(FinishReason.Kind.CONTENT_FILTER);
            default -> new FinishReason(FinishReason.Kind.OTHER, stopReason);
        };
    }

    /**
     * The {@code data} of each server-sent event, read line by line from UTF-8 bytes: {@code data:} lines of one
     * event are joined with a newline, the event ends at a blank line, and fields other than {@code data} (event
     * names, ids, comments) are skipped, since every Anthropic payload names its own type.
     */
    static final class SseReader {
        private final InputStream in;
        private byte[] buffer = new byte[8192];
        private int start;
        private int end;
        private boolean eof;

        SseReader(InputStream in) {
            this.in = in;
        }

        /** The next event's data, or null at the end of the stream. */
        String next() throws IOException {
            StringBuilder data = null;
            while (true) {
                int lineEnd = lineEnd();
                if (lineEnd < 0) {
                    // The end of the stream ends the last event too, even without its blank line.
                    return data == null ? null : data.toString();
                }
                int contentEnd = lineEnd > start && buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                int lineStart = start;
                start = lineEnd + 1;
                if (contentEnd == lineStart) {
                    if (data != null) {
                        return data.toString();
                    }
                    continue;
                }
                if (startsWithData(lineStart, contentEnd)) {
                    int from = lineStart + 5;
                    if (from < contentEnd && buffer[from] == ' ') {
                        from++;
                    }
                    String value = new String(buffer, from, contentEnd - from, StandardCharsets.UTF_8);
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
            }
        }

        private boolean startsWithData(int from, int to) {
            return to - from >= 5 && buffer[from] == 'd' && buffer[from + 1] == 'a' && buffer[from + 2] == 't'
                    && buffer[from + 3] == 'a' && buffer[from + 4] == ':';
        }

        /**
         * The index of the next '\n' from {@code start}, reading more as needed; at the end of the stream an
         * unterminated last line counts as a line (a final '\n' is appended), and -1 means nothing is left.
         */
        private int lineEnd() throws IOException {
            int scanned = 0; // bytes after start already searched; start moves when the buffer is compacted
            while (true) {
                for (int i = start + scanned; i < end; i++) {
                    if (buffer[i] == '\n') {
                        return i;
                    }
                }
                scanned = end - start;
                if (eof) {
                    if (start == end) {
                        return -1;
                    }
                    ensureRoom();
                    buffer[end] = '\n';
                    return end++;
                }
                ensureRoom();
                int n = in.read(buffer, end, buffer.length - end);
                if (n < 0) {
                    eof = true;
                } else {
                    end += n;
                }
            }
        }

        /** Makes room after {@code end}: drops consumed bytes, then grows the buffer for a long line. */
        private void ensureRoom() {
            if (end < buffer.length) {
                return;
            }
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
        }
    }
}
