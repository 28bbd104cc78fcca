package io.perstack.llm.http;

import java.io.Closeable;
import java.io.IOException;

/**
 * Cancels one generation's HTTP exchange by closing its connection, which ends a blocked write, the wait for the
 * response and the body being parsed alike.
 */
public final class Cancellation {
    private Closeable connection;
    private boolean cancelled;

    /** Binds the exchange's connection; false (and nothing bound) when the generation is already cancelled. */
    synchronized boolean attach(Closeable exchange) {
        if (cancelled) {
            return false;
        }
        connection = exchange;
        return true;
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    public void cancel() {
        Closeable c;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            c = connection;
        }
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing an aborted connection may fail; the generation is already being abandoned.
            }
        }
    }
}
