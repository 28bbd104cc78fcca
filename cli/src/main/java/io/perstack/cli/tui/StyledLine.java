package io.perstack.cli.tui;

/** One line of a view: terminal-safe text without a line break, and its tone. */
public record StyledLine(Tone tone, String text) {
    public StyledLine {
        if (text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a styled line holds no line break");
        }
    }

    static StyledLine plain(String text) {
        return new StyledLine(Tone.PLAIN, text);
    }

    static StyledLine of(Tone tone, String text) {
        return new StyledLine(tone, text);
    }
}
