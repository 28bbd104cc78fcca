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

    /**
     * Unbinds a connection whose response was read to its end, before it goes back to the pool: a later cancel()
     * (a deadline firing just as the response completed) must not close it under the next exchange that takes it.
     * False when this generation was cancelled first; the connection is then being closed and must not be reused.
     */
    synchronized boolean detach(Closeable exchange) {
        if (connection == exchange) {
            connection = null;
        }
        return !cancelled;
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
