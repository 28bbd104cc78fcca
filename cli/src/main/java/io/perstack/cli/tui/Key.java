package io.perstack.cli.tui;

/** One key press, as the terminal UI understands it. {@code ch} is the typed character for {@link Kind#CHAR}. */
public record Key(Kind kind, int ch) {

    public enum Kind { UP, DOWN, ENTER, BACKSPACE, ESCAPE, CHAR, INTERRUPT, QUIT, TIMEOUT, END }

    static Key of(Kind kind) {
        return new Key(kind, 0);
    }

    static Key typed(int ch) {
        return new Key(Kind.CHAR, ch);
    }

    boolean is(char c) {
        return kind == Kind.CHAR && ch == c;
    }
}
