package io.perstack.llm.anthropic;

import io.perstack.core.config.ProviderKind;
import io.perstack.llm.FailureClassifier;
import io.perstack.llm.GenerationDeadline;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.http.Cancellation;
import io.perstack.llm.http.ExchangeThread;
import io.perstack.llm.http.HttpTransport;
import io.perstack.llm.http.ProviderRequest;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Anthropic Messages API, spoken directly: the request body is assembled from per-message JSON encoded once per
 * history ({@link MessagesRequest}) and the event stream is decoded as it arrives ({@link MessagesStream}). Thinking
 * is enabled per the reasoning budget; the system prompt carries a cache marker.
 *
 * <p>Not through LangChain4j: its adapter re-mapped and pretty-printed the whole conversation on every step, so the
 * cost of building a request grew with the history (about 1.1 ms at step 50 of a 100-step loop).
 */
public final class AnthropicLlmClient implements LlmClient {
    static final String API_VERSION = "2023-06-01";

    private final HttpTransport transport;
    private final URI endpoint;
    private final List<Map.Entry<String, String>> headers;
    private final MessagesRequest requests = new MessagesRequest();

    public AnthropicLlmClient(ProviderSettings settings, HttpTransport transport) {
        this.transport = transport;
        this.endpoint = URI.create(settings.baseUrl() + "/messages");
        this.headers = headers(settings);
    }

    /** Our headers, each replaced by a custom header of the same name (any case) from the settings. */
    private static List<Map.Entry<String, String>> headers(ProviderSettings settings) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        Map<String, String> custom = settings.headers();
        for (Map.Entry<String, String> h : List.of(Map.entry("content-type", "application/json"),
                Map.entry("x-api-key", settings.apiKey() == null ? "" : settings.apiKey()),
                Map.entry("anthropic-version", API_VERSION))) {
            if (custom.keySet().stream().noneMatch(h.getKey()::equalsIgnoreCase)) {
                out.add(h);
            }
        }
        out.addAll(custom.entrySet());
        return List.copyOf(out);
    }

    @Override
    public String providerName() {
        return ProviderKind.ANTHROPIC.wireName();
    }

    /** Messages whose encoded content blocks are cached (for tests). */
    int cachedMessages() {
        return requests.cachedMessages();
    }

    @Override
    public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
        ProviderRequest http;
        try {
            http = new ProviderRequest("POST", endpoint, headers, requests.body(request));
        } catch (MessagesRequest.UnsupportedInput e) {
            return new GenerationOutcome.Failed(e.error());
        }
        return run(http, request.timeout(), listener);
    }

    /**
     * Runs the exchange on its own thread ({@link ExchangeThread}) and waits for it under the generation's deadline,
     * which covers connect to last byte; on expiry the exchange is cancelled (its connection closed) and the outcome
     * is a retryable {@code TimeoutError}.
     */
    private GenerationOutcome run(ProviderRequest http, Duration timeout, GenerationListener listener) {
        Cancellation cancellation = new Cancellation();
        CompletableFuture<GenerationOutcome> done = new CompletableFuture<>();
        ExchangeThread.start("perstack-anthropic-stream", () -> {
            try (InputStream in = transport.open(http, cancellation)) {
                done.complete(new GenerationOutcome.Generated(MessagesStream.read(in, listener, () -> !done.isDone())));
            } catch (Exception e) {
                done.complete(new GenerationOutcome.Failed(FailureClassifier.classify(e)));
            } catch (Error e) {
                done.completeExceptionally(e);
                throw e;
            }
        });
        return GenerationDeadline.await(done, timeout, cancellation);
    }
}
