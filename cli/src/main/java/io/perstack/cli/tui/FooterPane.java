package io.perstack.cli.tui;

import java.io.PrintStream;
import java.util.List;
import java.util.function.IntSupplier;
import org.jline.utils.WCWidth;

/**
 * A terminal region in two parts: lines printed once above (they scroll into the terminal's history) and a footer
 * below them that is erased and redrawn on every update. Each line is cut to the terminal width, so the footer
 * occupies exactly as many rows as it has lines and moving the cursor up by that count finds its top again.
 */
public final class FooterPane {
    private static final String ERASE_DOWN = "\u001b[J";
    private final PrintStream out;
    private final IntSupplier width;
    private int footerRows;

    public FooterPane(PrintStream out, IntSupplier width) {
        this.out = out;
        this.width = width;
    }

    public synchronized void update(List<StyledLine> printed, List<StyledLine> footer) {
        StringBuilder b = new StringBuilder();
        if (footerRows > 0) {
            b.append("\r\u001b[").append(footerRows).append('A');
        }
        b.append('\r').append(ERASE_DOWN);
        int columns = Math.max(20, width.getAsInt()) - 1;
        for (StyledLine l : printed) {
            b.append(l.tone().paint(fit(l.text(), columns))).append('\n');
        }
        for (StyledLine l : footer) {
            b.append(l.tone().paint(fit(l.text(), columns))).append('\n');
        }
        footerRows = footer.size();
        out.print(b);
        out.flush();
    }

    /** The text cut to at most {@code columns} terminal columns (wide characters count two). */
    public static String fit(String text, int columns) {
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int w = Math.max(0, WCWidth.wcwidth(c));
            if (used + w > columns) {
                return text.substring(0, i);
            }
            used += w;
            i += Character.charCount(c);
        }
        return text;
    }
}
