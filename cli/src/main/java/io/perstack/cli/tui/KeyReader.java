package io.perstack.cli.tui;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Decodes the bytes a terminal in raw mode sends into {@link Key}s: arrows in both cursor-key modes ({@code ESC [ A}
 * and {@code ESC O A}), Enter as CR or LF, Backspace as DEL or BS, Ctrl+C and Ctrl+Q, and a lone Esc (nothing
 * follows within {@value #ESC_WAIT_MS} ms). Unknown escape sequences are swallowed whole, never typed. Not
 * thread-safe: one reader per terminal.
 */
public final class KeyReader {
    static final long ESC_WAIT_MS = 50;
    private static final int EXPIRED = -2;
    private static final int NONE = Integer.MIN_VALUE;
    private final Source source;
    /** A character read ahead after a lone Esc, handed out by the next read. */
    private int pushedBack = NONE;

    /** Where characters come from: {@code read(timeout)} gives a char, {@code -1} at the end, {@code -2} on timeout. */
    @FunctionalInterface
    public interface Source {
        int read(long timeoutMs) throws IOException;
    }

    public KeyReader(Source source) {
        this.source = source;
    }

    /** The next key, or {@link Key.Kind#TIMEOUT} after {@code timeoutMs} (0: wait forever). */
    public Key next(long timeoutMs) {
        while (true) {
            int c = read(timeoutMs);
            switch (c) {
                case EXPIRED: return Key.of(Key.Kind.TIMEOUT);
                case -1: return Key.of(Key.Kind.END);
                case '\r', '\n': return Key.of(Key.Kind.ENTER);
                case 127, 8: return Key.of(Key.Kind.BACKSPACE);
                case 3: return Key.of(Key.Kind.INTERRUPT);
                case 17, 4: return Key.of(Key.Kind.QUIT);
                case 27: {
                    Key k = escape();
                    if (k != null) {
                        return k;
                    }
                    continue;
                }
                default:
                    if (c >= 0x20 && !io.perstack.core.policy.TerminalText.isUnsafe(c)) {
                        return Key.typed(c);
                    }
            }
        }
    }

    /** After ESC: an arrow, a lone Esc, or {@code null} for a sequence this UI does not use. */
    private Key escape() {
        int c = read(ESC_WAIT_MS);
        if (c == EXPIRED || c == -1) {
            return Key.of(Key.Kind.ESCAPE);
        }
        if (c == 27) {
            pushedBack = c; // Esc pressed twice, or Esc before an arrow: the second one starts anew
            return Key.of(Key.Kind.ESCAPE);
        }
        if (c != '[' && c != 'O') {
            return Key.of(Key.Kind.ESCAPE); // Alt+key: treated as Esc, the key itself is dropped
        }
        int last;
        do {
            last = read(ESC_WAIT_MS);
        } while (last >= 0 && !(last >= 0x40 && last <= 0x7E));
        return switch (last) {
            case 'A' -> Key.of(Key.Kind.UP);
            case 'B' -> Key.of(Key.Kind.DOWN);
            default -> null;
        };
    }

    private int read(long timeoutMs) {
        if (pushedBack != NONE) {
            int c = pushedBack;
            pushedBack = NONE;
            return c;
        }
        try {
            return source.read(timeoutMs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
