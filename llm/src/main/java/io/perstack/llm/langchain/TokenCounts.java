package io.perstack.llm.langchain;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.util.Optional;

/**
 * The token counts LangChain4j reports for a response, a missing count read as zero; {@code usage} is the provider's
 * own usage object, for the counts only it has (cache reads and writes, reasoning). Each provider maps these onto our
 * usage in its own way (docs/providers.md §5).
 */
public record TokenCounts(long input, long output, TokenUsage usage) {
    /** The counts of {@code response}, or empty when it reports no usage at all. */
    public static Optional<TokenCounts> of(ChatResponse response) {
        TokenUsage u = response.tokenUsage();
        return u == null ? Optional.empty()
                : Optional.of(new TokenCounts(count(u.inputTokenCount()), count(u.outputTokenCount()), u));
    }

    /** A count that may be missing, as a number. */
    public static long count(Integer value) {
        return value == null ? 0 : value;
    }
}
