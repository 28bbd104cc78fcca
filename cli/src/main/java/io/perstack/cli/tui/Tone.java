package io.perstack.cli.tui;

/** How a line is emphasised; the colours are plain SGR codes every terminal knows. */
public enum Tone {
    PLAIN(""),
    DIM("\u001b[2m"),
    BOLD("\u001b[1m"),
    ACCENT("\u001b[36m"),
    OK("\u001b[32m"),
    WARN("\u001b[33m"),
    ERROR("\u001b[31m"),
    /** The highlighted row of a list. */
    SELECTED("\u001b[7m");

    private final String sgr;

    Tone(String sgr) {
        this.sgr = sgr;
    }

    /** {@code text} wrapped in this tone's escape sequence and a reset; the text itself must already be safe. */
    public String paint(String text) {
        return sgr.isEmpty() ? text : sgr + text + "\u001b[0m";
    }
}
