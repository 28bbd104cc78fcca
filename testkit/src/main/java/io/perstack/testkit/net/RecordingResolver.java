package io.perstack.testkit.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A resolver standing in for DNS (docs/testing.md §1): answers only the names it was given, may answer private
 * addresses for public-looking names, can redirect the port to a local test server, and records every query so a
 * test can prove a name was never looked up.
 */
public final class RecordingResolver {
    private final Map<String, List<InetSocketAddress>> answers = new ConcurrentHashMap<>();
    private final List<String> queries = Collections.synchronizedList(new ArrayList<>());

    /** Answers {@code name} with {@code addresses} (literals) on the requested port. */
    public RecordingResolver answer(String name, String... addresses) {
        List<InetSocketAddress> list = new ArrayList<>();
        for (String a : addresses) {
            list.add(new InetSocketAddress(literal(a), 0));
        }
        answers.put(name.toLowerCase(Locale.ROOT), List.copyOf(list));
        return this;
    }

    /** Answers {@code name} with a local server's address, so a connection to port 443 reaches it. */
    public RecordingResolver answer(String name, InetSocketAddress server) {
        answers.put(name.toLowerCase(Locale.ROOT), List.of(server));
        return this;
    }

    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        queries.add(host);
        List<InetSocketAddress> found = answers.get(host.toLowerCase(Locale.ROOT));
        if (found == null) {
            throw new UnknownHostException(host);
        }
        return found.stream().map(a -> a.getPort() == 0 ? new InetSocketAddress(a.getAddress(), port) : a).toList();
    }

    /** Every name looked up so far, in order. */
    public List<String> queries() {
        synchronized (queries) {
            return List.copyOf(queries);
        }
    }

    private static InetAddress literal(String text) {
        try {
            // Only literals are given, so this never reaches a real resolver.
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an address literal: " + text, e);
        }
    }
}
