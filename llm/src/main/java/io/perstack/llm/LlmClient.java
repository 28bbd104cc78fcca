package io.perstack.llm;

/**
 * A configured provider. Implementations stream, never retry on their own (every retry is the agent loop's
 * visible {@code retry} event), enforce {@link GenerationRequest#timeout()} over the whole call, and never throw for
 * provider failures.
 */
public interface LlmClient extends AutoCloseable {
    GenerationOutcome generate(GenerationRequest request, GenerationListener listener);

    String providerName();

    /** Releases connections and their threads; a process that exits right after a run should not wait for them. */
    @Override
    default void close() {}
}
