package io.perstack.llm;

/** Receives streamed deltas in generation order, on the thread that reads the stream. */
public interface GenerationListener {
    GenerationListener NONE = new GenerationListener() {};

    default void reasoningDelta(String delta) {}

    default void textDelta(String delta) {}
}
