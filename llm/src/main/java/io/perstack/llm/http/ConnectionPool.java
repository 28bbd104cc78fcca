package io.perstack.llm.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Idle keep-alive connections by route, bounded per route and by age. A connection is either in here or owned by
 * exactly one exchange; nothing waits on the pool, so jobs never queue behind each other for a connection.
 */
final class ConnectionPool {
    static final int MAX_IDLE_PER_ROUTE = 32;
    /** Servers commonly drop idle connections after 60 s or more; reusing one older than this is not worth the risk. */
    static final long MAX_IDLE_NANOS = 30_000_000_000L;

    private final Map<Connection.Route, ArrayDeque<Connection>> idle = new HashMap<>();
    private boolean closed;

    /** The most recently used idle connection for the route that is still young enough, or {@code null}. */
    Connection take(Connection.Route route) {
        List<Connection> stale = new ArrayList<>();
        Connection found = null;
        synchronized (this) {
            ArrayDeque<Connection> q = idle.get(route);
            long now = System.nanoTime();
            while (q != null && !q.isEmpty() && found == null) {
                Connection c = q.pollLast();
                if (now - c.idleSince() > MAX_IDLE_NANOS) {
                    stale.add(c);
                } else {
                    found = c;
                }
            }
        }
        stale.forEach(Connection::closeQuietly);
        return found;
    }

    /** Keeps a connection whose last response was read to its end; closes it when the pool is full or closed. */
    void release(Connection connection) {
        synchronized (this) {
            if (!closed) {
                ArrayDeque<Connection> q = idle.computeIfAbsent(connection.route(), r -> new ArrayDeque<>());
                if (q.size() < MAX_IDLE_PER_ROUTE) {
                    connection.markIdle();
                    q.addLast(connection);
                    return;
                }
            }
        }
        connection.closeQuietly();
    }

    synchronized int idleCount() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    void closeAll() {
        List<Connection> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(Connection::closeQuietly);
    }
}
