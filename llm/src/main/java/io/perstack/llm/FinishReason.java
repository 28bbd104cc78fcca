package io.perstack.llm;

/** Normalised finish reasons (docs/providers.md §10); {@code raw} keeps the provider's own word for messages. */
public record FinishReason(Kind kind, String raw) {
    public enum Kind { STOP, TOOL_CALLS, LENGTH, CONTENT_FILTER, OTHER }

    public static FinishReason of(Kind kind) {
        return new FinishReason(kind, switch (kind) {
            case STOP -> "stop";
            case TOOL_CALLS -> "tool-calls";
            case LENGTH -> "length";
            case CONTENT_FILTER -> "content-filter";
            case OTHER -> "other";
        });
    }
}
