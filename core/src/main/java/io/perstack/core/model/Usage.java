package io.perstack.core.model;

/**
 * Token usage with the normalised meanings of docs/providers.md §5; {@code totalTokens} is always
 * {@code inputTokens + cachedInputTokens + outputTokens} for values built here.
 */
public record Usage(long inputTokens, long outputTokens, long reasoningTokens, long totalTokens,
                    long cachedInputTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    public static Usage of(long input, long cachedInput, long output, long reasoning) {
        return new Usage(input, output, reasoning, input + cachedInput + output, cachedInput);
    }

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                reasoningTokens + other.reasoningTokens, totalTokens + other.totalTokens,
                cachedInputTokens + other.cachedInputTokens);
    }
}
