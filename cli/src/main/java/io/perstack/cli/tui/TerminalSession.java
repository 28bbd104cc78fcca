package io.perstack.cli.tui;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The process's terminal through JLine: its size, an output stream in its encoding and, for the terminal UI, keys
 * read in raw mode. Closing restores the terminal's modes.
 */
public final class TerminalSession implements AutoCloseable {
    private final Terminal terminal;
    private final Attributes original;
    private final PrintStream out;

    private TerminalSession(Terminal terminal) {
        this.terminal = terminal;
        this.original = terminal.getAttributes();
        this.out = new PrintStream(terminal.output(), false, terminal.encoding());
    }

    /**
     * The terminal, or empty when the standard streams are not one. JLine's own signal handling stays off: SIGINT
     * and SIGTERM cancel the run through the CLI's handlers.
     */
    public static Optional<TerminalSession> open() {
        if (System.console() == null) {
            return Optional.empty(); // stdin or stdout redirected: no JLine needed to know that
        }
        try {
            Terminal t = TerminalBuilder.builder().system(true).nativeSignals(false).dumb(true).build();
            if (Terminal.TYPE_DUMB.equals(t.getType()) || Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
                t.close();
                return Optional.empty();
            }
            return Optional.of(new TerminalSession(t));
        } catch (IOException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    public PrintStream out() {
        return out;
    }

    public int width() {
        int w = terminal.getWidth();
        return w <= 0 ? 80 : w;
    }

    public int height() {
        int h = terminal.getHeight();
        return h <= 0 ? 24 : h;
    }

    /** Keys from the terminal: raw mode without echo, Ctrl+C delivered as a key when {@code signals} is false. */
    public KeyReader keys(boolean signals) {
        Attributes raw = new Attributes(original);
        raw.setLocalFlag(Attributes.LocalFlag.ICANON, false);
        raw.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        raw.setLocalFlag(Attributes.LocalFlag.IEXTEN, false);
        raw.setLocalFlag(Attributes.LocalFlag.ISIG, signals);
        raw.setInputFlag(Attributes.InputFlag.IXON, false);
        raw.setInputFlag(Attributes.InputFlag.ICRNL, false);
        raw.setControlChar(Attributes.ControlChar.VMIN, 1);
        raw.setControlChar(Attributes.ControlChar.VTIME, 0);
        terminal.setAttributes(raw);
        return new KeyReader(timeout -> terminal.reader().read(timeout <= 0 ? 0L : timeout));
    }

    /** Keys typed while a run was going on are not answers to the prompt that follows it. */
    public void discardTypedAhead() {
        try {
            while (terminal.reader().peek(1) >= 0) {
                terminal.reader().read(1);
            }
        } catch (IOException ignored) {
            // Nothing to discard.
        }
    }

    @Override
    public void close() {
        out.flush();
        try {
            terminal.setAttributes(original);
            terminal.close();
        } catch (IOException | RuntimeException ignored) {
            // The process is ending; the terminal's own reset has to do.
        }
    }
}
