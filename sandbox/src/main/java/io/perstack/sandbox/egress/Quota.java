package io.perstack.sandbox.egress;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tunnels and open connections of one scope, a job or one sandboxed process, against that scope's caps. A
 * connection is <em>pending</em> from the moment it is accepted until it holds a tunnel or is closed: the open
 * connections of a scope minus its tunnels in use. Counting open connections rather than undecided requests also
 * covers a refused client that never closes its end, which Jetty keeps until the idle timeout.
 */
final class Quota {
    private final int maxTunnels;
    private final int maxPending;
    private final Semaphore tunnels;
    private final AtomicInteger open = new AtomicInteger();

    Quota(int maxTunnels, int maxPending) {
        this.maxTunnels = maxTunnels;
        this.maxPending = maxPending;
        // Fair, so a CONNECT that has waited longest gets the next free tunnel.
        this.tunnels = new Semaphore(maxTunnels, true);
    }

    /** Counts a just-accepted connection, unless this scope already has its maximum of pending ones. */
    boolean tryOpen() {
        int now = open.incrementAndGet();
        if (now - tunnelsInUse() > maxPending) {
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    void closed() {
        open.decrementAndGet();
    }

    boolean tryTunnel(long nanos) throws InterruptedException {
        return tunnels.tryAcquire(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    void tunnelClosed() {
        tunnels.release();
    }

    int tunnelsInUse() {
        return maxTunnels - tunnels.availablePermits();
    }
}
