package io.perstack.testkit.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The ordered replies a {@link ScriptedLlmServer} serves, plus an optional fallback. Written in Java with
 * {@link #of} and {@link Reply}'s builders, or as JSON:
 *
 * <pre>{@code
 * {
 *   "replies": [
 *     {
 *       "text": "Hello",                                   // assistant text (optional)
 *       "thinking": {"text": "…", "signature": "sig"},     // reasoning before the text (optional; a string also works)
 *       "toolCalls": [{"id": "call_1", "name": "exec", "input": {"cmd": "ls"}}],
 *       "usage": {"input": 10, "output": 5, "cacheRead": 0, "cacheWrite": 0, "reasoning": 0},
 *       "stopReason": "end_turn",                          // end_turn|tool_use|max_tokens|refusal|stop_sequence,
 *                                                           // OpenAI words, or anything else (passed through)
 *       "status": 200,                                     // >= 400 sends an error instead of content
 *       "headers": {"retry-after": "1"},                   // extra response headers
 *       "error": {"type": "rate_limit_error", "message": "…"},  // error rendered in each wire's shape
 *       "errorBody": {…},                                  // or the exact error JSON to send
 *       "streamError": {"type": "overloaded_error", "message": "Overloaded"}, // fail a stream after its content
 *       "delayMs": 0,                                      // wait before the response headers
 *       "chunkDelayMs": 0,                                 // wait between streamed frames
 *       "cutAfterFrames": 3,                               // end a stream after n frames, unfinished
 *       "repeat": 1,                                       // serve this reply to n requests
 *       "match": {"pathContains": "…", "bodyContains": "…", "wire": "anthropic"}
 *     }
 *   ],
 *   "fallback": { …a reply… }                             // served whenever no scripted reply is left
 * }
 * }</pre>
 *
 * <p>Each request takes the first pending reply whose {@code match} accepts it (a reply without {@code match} accepts
 * every request), so a reply with {@code match} waits for its request while other requests are served by later
 * replies. When nothing is pending or matching, the {@code fallback} is served; without one the server answers 500 in
 * the wire's error shape, saying the script is exhausted. Unknown fields are rejected so that typos fail loudly.
 *
 * @param replies  replies in serving order
 * @param fallback reply for requests that find no pending reply, or {@code null}
 */
public record Script(List<Reply> replies, Reply fallback) {

    private static final Set<String> FIELDS = Set.of("replies", "fallback");

    public Script {
        replies = List.copyOf(replies);
    }

    public static Script of(Reply... replies) {
        return new Script(Arrays.asList(replies), null);
    }

    public static Script of(List<Reply> replies) {
        return new Script(replies, null);
    }

    public Script withFallback(Reply reply) {
        return new Script(replies, reply);
    }

    /** Parses the JSON script format described on this class. */
    public static Script parse(String json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("script is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a script must be a JSON object with \"replies\"");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("script: unknown field \"" + name + "\"; allowed: " + FIELDS);
            }
        }
        List<Reply> replies = new ArrayList<>();
        int i = 0;
        for (JsonNode reply : root.path("replies")) {
            replies.add(Reply.fromJson(reply, "replies[" + i++ + "]"));
        }
        Reply fallback = root.hasNonNull("fallback") ? Reply.fromJson(root.get("fallback"), "fallback") : null;
        return new Script(replies, fallback);
    }

    public static Script read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + file, e);
        }
    }

    /** This script in the JSON format, for handing to {@link ScriptedLlmServerMain} or another process. */
    public String toJson() {
        ObjectNode root = Json.object();
        ArrayNode array = root.putArray("replies");
        replies.forEach(r -> array.add(r.toJson()));
        if (fallback != null) {
            root.set("fallback", fallback.toJson());
        }
        return Json.write(root);
    }

    public void write(Path file) {
        try {
            Files.writeString(file, toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write script " + file, e);
        }
    }
}
