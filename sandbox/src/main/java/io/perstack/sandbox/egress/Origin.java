package io.perstack.sandbox.egress;

import io.perstack.core.event.EventPayload;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One sandboxed process as the proxy sees it (one listener): the name its events carry, what it holds against its
 * own and the job's {@link EgressProxy.Limits}, and the reports of its refused connections.
 */
final class Origin {
    static final String TOO_MANY_PENDING = "too many pending connections";

    private final String name;
    private final Quota own;
    private final Quota job;
    private final Consumer<EventPayload.ProxyAccess> events;
    private final RefusalBursts bursts;
    // Exactly-once release: a channel leaves either through its endpoint closing or through a failed accept.
    private final Set<Object> admitted = ConcurrentHashMap.newKeySet();

    Origin(String name, Quota own, Quota job, Consumer<EventPayload.ProxyAccess> events, RefusalBursts bursts) {
        this.name = name;
        this.own = own;
        this.job = job;
        this.events = events;
        this.bursts = bursts;
    }

    String name() {
        return name;
    }

    /** Whether a just-accepted connection may stay within this process's and the job's pending caps. */
    boolean admit(Object channel) {
        if (!own.tryOpen()) {
            return false;
        }
        if (!job.tryOpen()) {
            own.closed();
            return false;
        }
        admitted.add(channel);
        return true;
    }

    void release(Object channel) {
        if (admitted.remove(channel)) {
            own.closed();
            job.closed();
        }
    }

    /**
     * A connection closed before a byte was read: there is no target to report, and a flood must not become one
     * event per connection, so only the first of each burst is an event (see {@link RefusalBursts}).
     */
    void refused(String reason) {
        if (bursts.count(RefusalBursts.Kind.REFUSED, reason)) {
            emit("blocked", "", 0, reason);
        }
    }

    /** An accept that failed (the runtime is out of descriptors): a warning per burst, no event (nothing decided). */
    void notAccepted(String reason) {
        bursts.count(RefusalBursts.Kind.NOT_ACCEPTED, reason == null ? "accept failed" : reason);
    }

    void emit(String action, String domain, int port, String reason) {
        events.accept(new EventPayload.ProxyAccess(action, domain, port, reason, name));
    }

    /**
     * Waits up to {@code wait} for a tunnel of this process and then of the job.
     *
     * @return the tunnel, or {@code null} when none became free in time
     */
    Tunnel tunnel(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        if (!own.tryTunnel(wait.toNanos())) {
            return null;
        }
        if (!job.tryTunnel(deadline - System.nanoTime())) {
            own.tunnelClosed();
            return null;
        }
        return new Tunnel(own, job);
    }

    /** The listener is gone: report the burst in progress now. */
    void close() {
        bursts.flush();
    }

    /** One tunnel slot of a process and its job, released exactly once however the tunnel ends. */
    static final class Tunnel {
        private final Quota own;
        private final Quota job;
        private final AtomicBoolean released = new AtomicBoolean();

        private Tunnel(Quota own, Quota job) {
            this.own = own;
            this.job = job;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                job.tunnelClosed();
                own.tunnelClosed();
            }
        }
    }
}
