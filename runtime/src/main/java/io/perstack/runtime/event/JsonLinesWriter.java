package io.perstack.runtime.event;

import io.perstack.core.event.Event;
import io.perstack.core.json.Json;
import io.perstack.runtime.RunListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes every event as one compact JSON line (events.md §6), flushed per line. Writes are serialised so lines of
 * parallel runs never interleave.
 */
public final class JsonLinesWriter implements RunListener {
    private final OutputStream out;

    public JsonLinesWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(Event event) {
        byte[] line = Json.writeBytes(event);
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
