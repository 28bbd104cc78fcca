package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One scripted model response, independent of any wire format: the server renders it as Anthropic, OpenAI, Gemini,
 * Bedrock or Ollama depending on the route the request arrived on. Instances are immutable; every {@code with…}
 * method returns a copy.
 *
 * @param text         assistant text, or {@code null} for none ({@code ""} still opens an empty text block)
 * @param thinking     reasoning text and signature, or {@code null}
 * @param toolCalls    tool calls in order, possibly empty
 * @param usage        token numbers reported for this response
 * @param stopReason   explicit finish reason ({@code end_turn}, {@code tool_use}, {@code max_tokens}, OpenAI names,
 *                     or anything else, passed through); {@code null} derives it from the content
 * @param status       HTTP status; 400 and above sends an error body instead of content
 * @param headers      extra response headers (for example {@code retry-after})
 * @param errorBody    verbatim error JSON for an error status, or {@code null} to render {@link #error} in the wire's
 *                     own error shape
 * @param error        provider error type and message for an error status, or {@code null} for the status default
 * @param streamError  when set, a streamed response ends with this provider error event after the content instead of
 *                     finishing normally (non-streamed responses ignore it)
 * @param delay        wait before the response headers are sent
 * @param chunkDelay   wait between streamed frames
 * @param repeat       how many requests this reply serves before the next one is used
 * @param match        condition a request must meet to be served by this reply, or {@code null} for any request
 * @param cutAfterFrames when set, a streamed response ends (cleanly, as if the server stopped) after this many
 *                     frames, before the wire's end-of-message frames; {@code null} streams everything
 */
public record Reply(
        String text,
        Thinking thinking,
        List<ToolCall> toolCalls,
        Usage usage,
        String stopReason,
        int status,
        Map<String, String> headers,
        JsonNode errorBody,
        ProviderError error,
        ProviderError streamError,
        Duration delay,
        Duration chunkDelay,
        int repeat,
        Match match,
        Integer cutAfterFrames) {

    private static final Set<String> FIELDS = Set.of("text", "thinking", "toolCalls", "usage", "stopReason", "status",
            "headers", "errorBody", "error", "streamError", "delayMs", "chunkDelayMs", "repeat", "match", "cutAfterFrames");

    public Reply {
        toolCalls = List.copyOf(toolCalls == null ? List.of() : toolCalls);
        usage = usage == null ? Usage.NONE : usage;
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        delay = delay == null ? Duration.ZERO : delay;
        chunkDelay = chunkDelay == null ? Duration.ZERO : chunkDelay;
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status code, got " + status);
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be at least 1, got " + repeat);
        }
        if (cutAfterFrames != null && cutAfterFrames < 0) {
            throw new IllegalArgumentException("cutAfterFrames must not be negative, got " + cutAfterFrames);
        }
        if (delay.isNegative() || chunkDelay.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative");
        }
    }

    /** A reply with no content at all: an empty assistant turn that ends normally. */
    public static Reply empty() {
        return new Reply(null, null, List.of(), Usage.NONE, null, 200, Map.of(), null, null, null, null, null, 1,
                null, null);
    }

    /** A plain text answer. */
    public static Reply text(String text) {
        return empty().withText(text);
    }

    /** A single tool call whose arguments are given as JSON text, for example {@code "{\"path\":\"a.txt\"}"}. */
    public static Reply toolCall(String id, String name, String jsonArgs) {
        return empty().withToolCall(id, name, jsonArgs);
    }

    /** A single tool call whose arguments are a JSON object. */
    public static Reply toolCall(String id, String name, JsonNode args) {
        return empty().withToolCall(id, name, args);
    }

    /** An HTTP error reply rendered in the wire's error shape with the status's default type and message. */
    public static Reply error(int status) {
        return empty().withStatus(status);
    }

    public Reply withText(String newText) {
        return new Reply(newText, thinking, toolCalls, usage, stopReason, status, headers, errorBody, error,
                streamError, delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    /** Adds a tool call after the existing ones. */
    public Reply withToolCall(String id, String name, String jsonArgs) {
        return withToolCall(id, name, Json.tree(jsonArgs == null || jsonArgs.isBlank() ? "{}" : jsonArgs));
    }

    /** Adds a tool call after the existing ones. */
    public Reply withToolCall(String id, String name, JsonNode args) {
        List<ToolCall> calls = new ArrayList<>(toolCalls);
        calls.add(new ToolCall(id, name, args));
        return new Reply(text, thinking, calls, usage, stopReason, status, headers, errorBody, error, streamError,
                delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    /** Reasoning streamed before the text; the signature may be {@code null} for providers that have none. */
    public Reply withThinking(String thinkingText, String signature) {
        return new Reply(text, new Thinking(thinkingText, signature), toolCalls, usage, stopReason, status, headers,
                errorBody, error, streamError, delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    /** Token numbers; see {@link Usage} for how each wire reports them. */
    public Reply withUsage(int input, int output, int cacheRead, int cacheWrite) {
        return withUsage(new Usage(input, output, cacheRead, cacheWrite, usage.reasoning()));
    }

    public Reply withUsage(Usage newUsage) {
        return new Reply(text, thinking, toolCalls, newUsage, stopReason, status, headers, errorBody, error,
                streamError, delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    /** Reasoning tokens, a subset of the output tokens, reported where the wire has a field for them. */
    public Reply withReasoningTokens(int reasoning) {
        return withUsage(new Usage(usage.input(), usage.output(), usage.cacheRead(), usage.cacheWrite(), reasoning));
    }

    public Reply withStopReason(String reason) {
        return new Reply(text, thinking, toolCalls, usage, reason, status, headers, errorBody, error, streamError,
                delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    public Reply withStatus(int newStatus) {
        return new Reply(text, thinking, toolCalls, usage, stopReason, newStatus, headers, errorBody, error,
                streamError, delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    /** Adds a response header; a later value for the same (case-insensitive) name replaces the earlier one. */
    public Reply withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name.toLowerCase(Locale.ROOT), value);
        return new Reply(text, thinking, toolCalls, usage, stopReason, status, all, errorBody, error, streamError,
                delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    /** The exact error JSON to send for an error status. */
    public Reply withErrorBody(JsonNode body) {
        return new Reply(text, thinking, toolCalls, usage, stopReason, status, headers, body, error, streamError,
                delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    /** The exact error JSON (as text) to send for an error status. */
    public Reply withErrorBody(String json) {
        return withErrorBody(Json.tree(json));
    }

    /** Provider error type and message, rendered in the error shape of whichever wire the request used. */
    public Reply withError(String type, String message) {
        return new Reply(text, thinking, toolCalls, usage, stopReason, status, headers, errorBody,
                new ProviderError(type, message), streamError, delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    /** Streams the content, then fails the stream with this provider error instead of finishing. */
    public Reply withStreamError(String type, String message) {
        return new Reply(text, thinking, toolCalls, usage, stopReason, status, headers, errorBody, error,
                new ProviderError(type, message), delay, chunkDelay, repeat, match, cutAfterFrames);
    }

    /**
     * Ends a streamed response after its first {@code frames} frames, without the frames that finish the message:
     * the connection stays sound, the answer is just incomplete (a proxy or server giving up mid-answer).
     */
    public Reply withStreamCutAfter(int frames) {
        return new Reply(text, thinking, toolCalls, usage, stopReason, status, headers, errorBody, error, streamError,
                delay, chunkDelay, repeat, match, frames);
    }

    public Reply withDelay(Duration newDelay) {
        return new Reply(text, thinking, toolCalls, usage, stopReason, status, headers, errorBody, error, streamError,
                newDelay, chunkDelay, repeat, match, cutAfterFrames);
    }

    public Reply withChunkDelay(Duration newChunkDelay) {
        return new Reply(text, thinking, toolCalls, usage, stopReason, status, headers, errorBody, error, streamError,
                delay, newChunkDelay, repeat, match, cutAfterFrames);
    }

    /** Serves this reply to {@code times} requests before moving on. */
    public Reply repeat(int times) {
        return new Reply(text, thinking, toolCalls, usage, stopReason, status, headers, errorBody, error, streamError,
                delay, chunkDelay, times, match, cutAfterFrames);
    }

    /** Serves this reply only to a request that meets {@code condition}; other requests skip past it. */
    public Reply matching(Match condition) {
        return new Reply(text, thinking, toolCalls, usage, stopReason, status, headers, errorBody, error, streamError,
                delay, chunkDelay, repeat, condition, cutAfterFrames);
    }

    public Reply whenBodyContains(String fragment) {
        Match base = match == null ? Match.ANY : match;
        return matching(new Match(base.pathContains(), fragment, base.wire()));
    }

    public Reply whenPathContains(String fragment) {
        Match base = match == null ? Match.ANY : match;
        return matching(new Match(fragment, base.bodyContains(), base.wire()));
    }

    public Reply whenWire(Wire wire) {
        Match base = match == null ? Match.ANY : match;
        return matching(new Match(base.pathContains(), base.bodyContains(), wire));
    }

    /** Whether this reply is sent as an HTTP error instead of content. */
    public boolean isError() {
        return status >= 400;
    }

    /** The finish reason to report: the explicit one, else {@code tool_use} when there are tool calls. */
    StopReason effectiveStopReason() {
        if (stopReason != null) {
            return StopReason.of(stopReason);
        }
        return toolCalls.isEmpty() ? StopReason.of("end_turn") : StopReason.of("tool_use");
    }

    /** Reasoning text and its signature (Anthropic requires the signature to be replayed with tool use). */
    public record Thinking(String text, String signature) {
        public Thinking {
            text = text == null ? "" : text;
        }
    }

    /** A tool call; a {@code null} id is replaced by {@code call_<request index>_<position>} when rendered. */
    public record ToolCall(String id, String name, JsonNode input) {
        public ToolCall {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a tool call needs a name");
            }
            input = input == null || input.isNull() ? Json.object() : input;
        }
    }

    /**
     * Token numbers, meant like Anthropic's: {@code input} excludes cache reads and cache writes. OpenAI-style wires
     * report {@code prompt_tokens = input + cacheRead + cacheWrite} with {@code cached_tokens = cacheRead}, so both
     * normalise to the same numbers (docs/providers.md §5).
     */
    public record Usage(int input, int output, int cacheRead, int cacheWrite, int reasoning) {
        public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

        public Usage {
            if (input < 0 || output < 0 || cacheRead < 0 || cacheWrite < 0 || reasoning < 0) {
                throw new IllegalArgumentException("token numbers must not be negative");
            }
        }

        /** All prompt tokens, cached or not, as OpenAI-style wires count them. */
        public int promptTotal() {
            return input + cacheRead + cacheWrite;
        }
    }

    /** A provider error type (e.g. {@code overloaded_error}) and message. */
    public record ProviderError(String type, String message) {}

    /**
     * A condition on the request; every non-null part must hold. {@code bodyContains} is a plain substring test on
     * the raw request body.
     */
    public record Match(String pathContains, String bodyContains, Wire wire) {
        public static final Match ANY = new Match(null, null, null);

        public boolean accepts(RecordedRequest request) {
            return (pathContains == null || request.path().contains(pathContains))
                    && (bodyContains == null || request.bodyText().contains(bodyContains))
                    && (wire == null || request.wire() == wire);
        }
    }

    // ---- JSON form (the script file format documented on Script) ----

    static Reply fromJson(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": a reply must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                // Typos in scripts would otherwise silently produce a different conversation.
                throw new IllegalArgumentException(where + ": unknown field \"" + name + "\"; allowed: " + FIELDS);
            }
        }
        Thinking thinking = null;
        if (node.hasNonNull("thinking")) {
            JsonNode t = node.get("thinking");
            thinking = t.isTextual()
                    ? new Thinking(t.asText(), null)
                    : new Thinking(t.path("text").asText(""), t.hasNonNull("signature") ? t.get("signature").asText()
                            : null);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : node.path("toolCalls")) {
            JsonNode input = call.get("input");
            if (input != null && input.isTextual()) {
                input = Json.tree(input.asText());
            }
            calls.add(new ToolCall(call.hasNonNull("id") ? call.get("id").asText() : null,
                    call.path("name").asText(null), input));
        }
        Usage usage = Usage.NONE;
        if (node.hasNonNull("usage")) {
            JsonNode u = node.get("usage");
            usage = new Usage(u.path("input").asInt(0), u.path("output").asInt(0), u.path("cacheRead").asInt(0),
                    u.path("cacheWrite").asInt(0), u.path("reasoning").asInt(0));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        node.path("headers").properties()
                .forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
        Match match = null;
        if (node.hasNonNull("match")) {
            JsonNode m = node.get("match");
            match = new Match(m.hasNonNull("pathContains") ? m.get("pathContains").asText() : null,
                    m.hasNonNull("bodyContains") ? m.get("bodyContains").asText() : null,
                    m.hasNonNull("wire") ? Wire.valueOf(m.get("wire").asText().toUpperCase(Locale.ROOT)) : null);
        }
        return new Reply(
                node.hasNonNull("text") ? node.get("text").asText() : null,
                thinking,
                calls,
                usage,
                node.hasNonNull("stopReason") ? node.get("stopReason").asText() : null,
                node.path("status").asInt(200),
                headers,
                node.hasNonNull("errorBody") ? node.get("errorBody") : null,
                providerError(node.get("error")),
                providerError(node.get("streamError")),
                Duration.ofMillis(node.path("delayMs").asLong(0)),
                Duration.ofMillis(node.path("chunkDelayMs").asLong(0)),
                node.path("repeat").asInt(1),
                match,
                node.hasNonNull("cutAfterFrames") ? node.get("cutAfterFrames").asInt() : null);
    }

    /** Milliseconds as an int when they fit, so a parsed script and its rewritten form compare equal as trees. */
    private static void putMillis(ObjectNode node, String name, Duration duration) {
        long millis = duration.toMillis();
        if (millis <= Integer.MAX_VALUE) {
            node.put(name, (int) millis);
        } else {
            node.put(name, millis);
        }
    }

    private static ProviderError providerError(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return new ProviderError(node.path("type").asText(null), node.path("message").asText(null));
    }

    /** This reply in the script file format; {@link Script#parse} reads it back to an equal reply. */
    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        if (text != null) {
            node.put("text", text);
        }
        if (thinking != null) {
            ObjectNode t = node.putObject("thinking").put("text", thinking.text());
            if (thinking.signature() != null) {
                t.put("signature", thinking.signature());
            }
        }
        if (!toolCalls.isEmpty()) {
            ArrayNode calls = node.putArray("toolCalls");
            for (ToolCall call : toolCalls) {
                ObjectNode c = calls.addObject();
                if (call.id() != null) {
                    c.put("id", call.id());
                }
                c.put("name", call.name()).set("input", call.input());
            }
        }
        if (!usage.equals(Usage.NONE)) {
            node.putObject("usage").put("input", usage.input()).put("output", usage.output())
                    .put("cacheRead", usage.cacheRead()).put("cacheWrite", usage.cacheWrite())
                    .put("reasoning", usage.reasoning());
        }
        if (stopReason != null) {
            node.put("stopReason", stopReason);
        }
        if (status != 200) {
            node.put("status", status);
        }
        if (!headers.isEmpty()) {
            ObjectNode h = node.putObject("headers");
            headers.forEach(h::put);
        }
        if (errorBody != null) {
            node.set("errorBody", errorBody);
        }
        if (error != null) {
            node.putObject("error").put("type", error.type()).put("message", error.message());
        }
        if (streamError != null) {
            node.putObject("streamError").put("type", streamError.type()).put("message", streamError.message());
        }
        if (!delay.isZero()) {
            putMillis(node, "delayMs", delay);
        }
        if (!chunkDelay.isZero()) {
            putMillis(node, "chunkDelayMs", chunkDelay);
        }
        if (repeat != 1) {
            node.put("repeat", repeat);
        }
        if (cutAfterFrames != null) {
            node.put("cutAfterFrames", cutAfterFrames);
        }
        if (match != null) {
            ObjectNode m = node.putObject("match");
            if (match.pathContains() != null) {
                m.put("pathContains", match.pathContains());
            }
            if (match.bodyContains() != null) {
                m.put("bodyContains", match.bodyContains());
            }
            if (match.wire() != null) {
                m.put("wire", match.wire().name().toLowerCase(Locale.ROOT));
            }
        }
        return node;
    }
}
