package io.perstack.testkit.llm;

import java.util.Locale;

/**
 * A finish reason written in any provider's vocabulary, translated to each wire's own word. Scripts may say
 * {@code end_turn} or {@code stop} and get the right value on every route; unknown words pass through unchanged so
 * tests can exercise the "other" finish reason (docs/providers.md §10).
 */
record StopReason(Kind kind, String raw) {

    enum Kind { END_TURN, STOP_SEQUENCE, TOOL_USE, MAX_TOKENS, REFUSAL, OTHER }

    static StopReason of(String value) {
        Kind kind = switch (value.toLowerCase(Locale.ROOT)) {
            case "end_turn", "stop", "end" -> Kind.END_TURN;
            case "stop_sequence" -> Kind.STOP_SEQUENCE;
            case "tool_use", "tool_calls", "tool-calls", "function_call" -> Kind.TOOL_USE;
            case "max_tokens", "length" -> Kind.MAX_TOKENS;
            case "refusal", "content_filter", "content-filter", "safety", "content_filtered" -> Kind.REFUSAL;
            default -> Kind.OTHER;
        };
        return new StopReason(kind, value);
    }

    String anthropic() {
        return switch (kind) {
            case END_TURN -> "end_turn";
            case STOP_SEQUENCE -> "stop_sequence";
            case TOOL_USE -> "tool_use";
            case MAX_TOKENS -> "max_tokens";
            case REFUSAL -> "refusal";
            case OTHER -> raw;
        };
    }

    String openAi() {
        return switch (kind) {
            case END_TURN, STOP_SEQUENCE -> "stop";
            case TOOL_USE -> "tool_calls";
            case MAX_TOKENS -> "length";
            case REFUSAL -> "content_filter";
            case OTHER -> raw;
        };
    }

    /** Gemini has no tool-use reason: a response with function calls still finishes with {@code STOP}. */
    String gemini() {
        return switch (kind) {
            case END_TURN, STOP_SEQUENCE, TOOL_USE -> "STOP";
            case MAX_TOKENS -> "MAX_TOKENS";
            case REFUSAL -> "SAFETY";
            case OTHER -> raw;
        };
    }

    String bedrock() {
        return switch (kind) {
            case END_TURN -> "end_turn";
            case STOP_SEQUENCE -> "stop_sequence";
            case TOOL_USE -> "tool_use";
            case MAX_TOKENS -> "max_tokens";
            case REFUSAL -> "content_filtered";
            case OTHER -> raw;
        };
    }

    /** Ollama reports {@code stop} even when it returns tool calls. */
    String ollama() {
        return switch (kind) {
            case END_TURN, STOP_SEQUENCE, TOOL_USE, REFUSAL -> "stop";
            case MAX_TOKENS -> "length";
            case OTHER -> raw;
        };
    }
}
