package io.perstack.llm.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs provider exchanges (connect, request, streamed response) on pooled platform threads.
 *
 * <p>Platform threads, on purpose: the first socket read on a virtual thread starts the JDK's poller thread, which
 * then sits in native code for the rest of the process, and {@code System.exit} waits about 300 ms for such threads
 * before it gives up on them; every CLI run would pay that on its way out. An idle pooled thread waits in Java, which
 * does not hold up an exit. Pooled, because creating a thread for each request cost up to a millisecond per step of
 * an agent loop. Threads are daemons, so an abandoned exchange never keeps a process alive, and idle ones go away
 * after a while.
 */
public final class ExchangeThread {
    /** Numbers the pool's thread names; a counter, not a cache. */
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> Thread.ofPlatform().daemon()
                    .name("perstack-exchange-" + COUNT.incrementAndGet()).unstarted(r));

    private ExchangeThread() {}

    /** Runs {@code exchange} on a pooled thread; {@code name} says what it is while it runs (thread dumps). */
    public static void start(String name, Runnable exchange) {
        POOL.execute(() -> {
            Thread current = Thread.currentThread();
            String idle = current.getName();
            current.setName(name);
            try {
                exchange.run();
            } finally {
                Thread.interrupted(); // a cancelled exchange must not leave its interrupt to the next one
                current.setName(idle);
            }
        });
    }
}
