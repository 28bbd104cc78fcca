package io.perstack.runtime.loop;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.model.Usage;
import io.perstack.llm.FinishReason;
import io.perstack.llm.GeneratedToolCall;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.GenerationResult;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderError;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory LlmClient: answers each request with the next scripted reply and keeps the requests. */
final class ScriptedLlm implements LlmClient {
    static final Usage USAGE = new Usage(100, 10, 0, 110, 0);

    /** One generation: the deltas it streams, then what it ends with; {@code during} runs after the deltas. */
    record Reply(List<String> reasoning, List<String> text, GenerationOutcome outcome, Runnable during) {
        Reply streaming(List<String> reasoningDeltas, List<String> textDeltas) {
            return new Reply(reasoningDeltas, textDeltas, outcome, during);
        }

        Reply whileGenerating(Runnable action) {
            return new Reply(reasoning, text, outcome, action);
        }
    }

    static Reply text(String text) {
        return generated(new GenerationResult(List.of(), text, List.of(), FinishReason.of(FinishReason.Kind.STOP),
                USAGE));
    }

    static Reply toolCall(String id, String toolName, JsonNode args) {
        return toolCalls(FinishReason.Kind.TOOL_CALLS, new GeneratedToolCall(id, toolName, args));
    }

    static Reply toolCalls(FinishReason.Kind finish, GeneratedToolCall... calls) {
        return generated(new GenerationResult(List.of(), "", List.of(calls), FinishReason.of(finish), USAGE));
    }

    static Reply generated(GenerationResult result) {
        return new Reply(List.of(), List.of(), new GenerationOutcome.Generated(result), () -> { });
    }

    static Reply overloaded(Duration retryAfter) {
        return new Reply(List.of(), List.of(), new GenerationOutcome.Failed(new ProviderError("overloaded_error",
                "Overloaded", 529, true, retryAfter)), () -> { });
    }

    static Reply rejected() {
        return new Reply(List.of(), List.of(), new GenerationOutcome.Failed(new ProviderError(
                "invalid_request_error", "Bad request", 400, false, null)), () -> { });
    }

    private final Queue<Reply> replies;
    final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();

    ScriptedLlm(Reply... replies) {
        this.replies = new ConcurrentLinkedQueue<>(List.of(replies));
    }

    @Override
    public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
        requests.add(request);
        Reply reply = replies.poll();
        if (reply == null) {
            throw new AssertionError("The loop asked for a generation the script does not have");
        }
        reply.reasoning().forEach(listener::reasoningDelta);
        reply.text().forEach(listener::textDelta);
        reply.during().run();
        return reply.outcome();
    }

    @Override
    public String providerName() {
        return "scripted";
    }
}
