package io.perstack.runtime.event;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.perstack.core.event.Event;
import io.perstack.core.json.MessageJsonCache;
import io.perstack.runtime.RunListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes every event as one compact JSON line (docs/events.md §6), flushed per line. Writes are serialised so lines of
 * parallel runs never interleave. Each message is serialised once and its JSON reused in every later event that
 * repeats it.
 */
public final class JsonLinesWriter implements RunListener {
    /** Enough for the histories of a long job; older messages are serialised again if they come back. */
    private static final int CACHED_MESSAGES = 8192;

    /** A line buffer larger than this is not kept for the next event: one huge event should not pin its memory. */
    private static final int KEPT_BUFFER_BYTES = 8 << 20;

    private final OutputStream out;
    private final ObjectWriter writer = new MessageJsonCache(CACHED_MESSAGES).writer();
    /**
     * Reused for every line (guarded by {@code this}). Late in a long job each event is megabytes of JSON; a fresh
     * array per event would go straight to the old generation and grow the heap with garbage.
     */
    private Line line = new Line();

    public JsonLinesWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public synchronized void onEvent(Event event) {
        try {
            // Serialised completely before anything is written, so a failure never leaves half a line on stdout.
            writer.writeValue(line, event);
            line.write('\n');
            line.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (line.capacity() > KEPT_BUFFER_BYTES) {
                line = new Line();
            } else {
                line.reset();
            }
        }
    }

    /** A byte buffer that also tells its capacity; {@code close} is a no-op, as Jackson closes what it writes to. */
    private static final class Line extends ByteArrayOutputStream {
        Line() {
            super(64 * 1024);
        }

        int capacity() {
            return buf.length;
        }
    }
}
