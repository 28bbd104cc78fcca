package io.perstack.llm.http;

import java.io.Closeable;
import java.io.IOException;

/**
 * Cancels one generation's HTTP exchange: interrupts the thread waiting for response headers and closes the body
 * stream being parsed, whichever is in progress.
 */
public final class Cancellation {
    private Thread worker;
    private Closeable body;
    private boolean cancelled;

    synchronized void attach(Thread thread) {
        worker = thread;
        if (cancelled) {
            thread.interrupt();
        }
    }

    synchronized boolean attach(Closeable stream) {
        body = stream;
        return !cancelled;
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    public void cancel() {
        Thread t;
        Closeable c;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            t = worker;
            c = body;
        }
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing an aborted stream may fail; the generation is already being abandoned.
            }
        }
        if (t != null) {
            t.interrupt();
        }
    }
}
