package io.perstack.llm;

/** What a generation ended with. */
public sealed interface GenerationOutcome {
    record Generated(GenerationResult result) implements GenerationOutcome {}

    record Failed(ProviderError error) implements GenerationOutcome {}
}
