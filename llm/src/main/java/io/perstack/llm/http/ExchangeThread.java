package io.perstack.llm.http;

/**
 * Starts the thread that carries one provider exchange (connect, request, streamed response).
 *
 * <p>A platform thread, on purpose: the first socket read on a virtual thread starts the JDK's poller thread, which
 * then sits in native code for the rest of the process, and {@code System.exit} waits about 300 ms for such threads
 * before it gives up on them. Every CLI run would pay that on its way out. A platform thread reading a socket is
 * gone once its exchange ends. The thread is a daemon so an abandoned exchange never keeps a process alive.
 */
public final class ExchangeThread {
    private ExchangeThread() {}

    public static Thread start(String name, Runnable exchange) {
        return Thread.ofPlatform().daemon().name(name).start(exchange);
    }
}
