package io.perstack.sandbox.egress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Turns an allowlisted host name into the socket addresses the proxy may connect to. The proxy checks every
 * address it gets and then connects to one of them, never resolving the name a second time (SR-08).
 */
@FunctionalInterface
public interface HostResolver {
    /**
     * @param host a normalised host name that already passed the allowlist
     * @param port the requested port (443)
     * @return every address the name resolves to, at least one
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException;

    /** The JVM's resolver (the host's DNS configuration). */
    static HostResolver system() {
        return (host, port) -> Arrays.stream(InetAddress.getAllByName(host))
                .map(a -> new InetSocketAddress(a, port)).toList();
    }
}
