package io.perstack.llm;

import java.util.Comparator;
import java.util.List;

/**
 * Wraps a provider client so that no credential or header value it was configured with can leave it inside an
 * error: providers sometimes echo the key they rejected, and the message ends up in events and checkpoints (C-58).
 */
public final class RedactingLlmClient implements LlmClient {
    static final String MARK = "[REDACTED]";

    private final LlmClient delegate;
    private final List<String> secrets;

    public RedactingLlmClient(LlmClient delegate, List<String> secrets) {
        this.delegate = delegate;
        // Longest first, so a secret containing another is replaced whole.
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    @Override
    public GenerationOutcome generate(GenerationRequest request, GenerationListener listener) {
        GenerationOutcome outcome = delegate.generate(request, listener);
        if (outcome instanceof GenerationOutcome.Failed(ProviderError e)) {
            return new GenerationOutcome.Failed(new ProviderError(redact(e.name()), redact(e.message()),
                    e.statusCode(), e.retryable(), e.retryAfter()));
        }
        return outcome;
    }

    String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MARK);
        }
        return out;
    }

    @Override
    public String providerName() {
        return delegate.providerName();
    }
}
