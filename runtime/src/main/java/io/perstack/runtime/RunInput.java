package io.perstack.runtime;

/**
 * What a run segment starts with: a query text, or the answer to a pending interactive (or delegate) tool call.
 */
public record RunInput(String text, InteractiveToolCallResult interactiveToolCallResult) {

    public static RunInput text(String text) {
        return new RunInput(text, null);
    }

    public static RunInput answer(InteractiveToolCallResult result) {
        return new RunInput(null, result);
    }

    public record InteractiveToolCallResult(String toolCallId, String toolName, String skillName, String text) {}
}
