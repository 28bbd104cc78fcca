package io.perstack.llm.langchain;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.perstack.core.id.Ids;
import io.perstack.core.model.MessagePart.ThinkingPart;
import io.perstack.core.model.Usage;
import io.perstack.llm.FailureClassifier;
import io.perstack.llm.FinishReason;
import io.perstack.llm.GeneratedToolCall;
import io.perstack.llm.GenerationDeadline;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationResult;
import io.perstack.llm.http.Cancellation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Runs one streaming chat call to completion under a deadline covering connect to last byte; on expiry the HTTP
 * exchange is cancelled and the outcome is a retryable {@code TimeoutError}.
 */
public final class StreamingGeneration {
    private StreamingGeneration() {}

    public static GenerationOutcome run(StreamingChatModel model, ChatRequest request, Cancellation cancellation,
                                        Duration timeout, GenerationListener listener,
                                        Function<ChatResponse, Usage> usageOf) {
        CompletableFuture<GenerationOutcome> done = new CompletableFuture<>();
        StreamingChatResponseHandler handler = new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                if (partial != null && !partial.isEmpty() && !done.isDone()) {
                    listener.textDelta(partial);
                }
            }

            @Override
            public void onPartialThinking(PartialThinking thinking) {
                if (thinking != null && thinking.text() != null && !thinking.text().isEmpty() && !done.isDone()) {
                    listener.reasoningDelta(thinking.text());
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(new GenerationOutcome.Generated(toResult(response, usageOf)));
            }

            @Override
            public void onError(Throwable error) {
                done.complete(new GenerationOutcome.Failed(FailureClassifier.classify(error)));
            }
        };
        try {
            model.chat(request, handler);
        } catch (ChatMapping.UnsupportedInput e) {
            return new GenerationOutcome.Failed(e.error());
        } catch (RuntimeException e) {
            return new GenerationOutcome.Failed(FailureClassifier.classify(e));
        }
        return GenerationDeadline.await(done, timeout, cancellation);
    }

    private static GenerationResult toResult(ChatResponse response, Function<ChatResponse, Usage> usageOf) {
        AiMessage ai = response.aiMessage();
        List<ThinkingPart> thinking = new ArrayList<>(1);
        if (ai.thinking() != null && !ai.thinking().isEmpty()) {
            thinking.add(new ThinkingPart(Ids.next(), ai.thinking(),
                    ai.attribute(ChatMapping.THINKING_SIGNATURE, String.class)));
        }
        List<GeneratedToolCall> calls = new ArrayList<>();
        if (ai.hasToolExecutionRequests()) {
            for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
                calls.add(new GeneratedToolCall(r.id(), r.name(), ChatMapping.parseArguments(r.arguments())));
            }
        }
        FinishReason finish = switch (response.finishReason() == null
                ? dev.langchain4j.model.output.FinishReason.OTHER : response.finishReason()) {
            case STOP -> FinishReason.of(FinishReason.Kind.STOP);
            case TOOL_EXECUTION -> FinishReason.of(FinishReason.Kind.TOOL_CALLS);
            case LENGTH -> FinishReason.of(FinishReason.Kind.LENGTH);
            case CONTENT_FILTER -> FinishReason.of(FinishReason.Kind.CONTENT_FILTER);
            default -> FinishReason.of(FinishReason.Kind.OTHER);
        };
        return new GenerationResult(thinking, ai.text(), calls, finish, usageOf.apply(response));
    }
}
