package io.perstack.runtime.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.perstack.core.event.Event;
import io.perstack.core.json.MessageJsonCache;
import io.perstack.runtime.RunListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes every event as one compact JSON line (events.md §6), flushed per line. Writes are serialised so lines of
 * parallel runs never interleave. Each message is serialised once and its JSON reused in every later event that
 * repeats it.
 */
public final class JsonLinesWriter implements RunListener {
    /** Enough for the histories of a long job; older messages are serialised again if they come back. */
    private static final int CACHED_MESSAGES = 8192;

    private final OutputStream out;
    private final ObjectWriter writer = new MessageJsonCache(CACHED_MESSAGES).writer();

    public JsonLinesWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(Event event) {
        byte[] line;
        try {
            line = writer.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            try {
                out.write(line);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
