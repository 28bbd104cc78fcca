package io.perstack.llm;

/**
 * A configured provider. Implementations stream, never retry on their own (every retry is the agent loop's
 * visible {@code retry} event), enforce {@link GenerationRequest#timeout()} over the whole call, and never throw for
 * provider failures.
 */
public interface LlmClient {
    GenerationOutcome generate(GenerationRequest request, GenerationListener listener);

    String providerName();
}
