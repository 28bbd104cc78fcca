package io.perstack.skills.mcp;

import io.perstack.core.policy.UrlRules;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resolved-address rule for remote skill endpoints (docs/skills.md §7, SR-42): every address a guarded host name
 * resolves to must lie outside the blocked ranges of docs/isolation.md §5.3. {@link GuardedResolverProvider} applies it to
 * every lookup the JVM makes for a guarded name, so the HTTP client can only ever connect to a checked address, even
 * when the name is resolved again later (DNS rebinding).
 *
 * <p>Two JVM system properties exist for tests only (docs/testing.md §1 "Network doubles"); neither can be set from
 * {@code perstack.toml}, flags or environment variables: {@code perstack.test.resolve} ({@code host=ip,…}) answers
 * for guarded names, and {@code perstack.test.egressAllowCidrs} exempts address ranges. Using either prints a warning.
 */
final class AddressGuard {
    /** Looked up when there is something to report: setting up logging is a cost no ordinary run should pay. */
    private static Logger log() {
        return LoggerFactory.getLogger(AddressGuard.class);
    }
    static final String TEST_RESOLVE = "perstack.test.resolve";
    static final String TEST_ALLOW_CIDRS = "perstack.test.egressAllowCidrs";

    private static final Set<String> GUARDED = ConcurrentHashMap.newKeySet();
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private AddressGuard() {}

    /** From now on every lookup of {@code host} is checked. Hosts are never unguarded: the rule has no off switch. */
    static void guard(String host) {
        GUARDED.add(normalise(host));
    }

    static boolean isGuarded(String host) {
        return GUARDED.contains(normalise(host));
    }

    /** The test answer for a guarded name, or {@code null}. */
    static InetAddress[] testAnswer(String host) throws UnknownHostException {
        String mapping = System.getProperty(TEST_RESOLVE);
        if (mapping == null || mapping.isBlank()) {
            return null;
        }
        String wanted = normalise(host);
        List<InetAddress> out = new ArrayList<>();
        for (String entry : mapping.split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0 && normalise(entry.substring(0, eq).strip()).equals(wanted)) {
                String ip = entry.substring(eq + 1).strip();
                InetAddress literal = io.perstack.core.policy.IpLiterals.parse(ip)
                        .orElseThrow(() -> new UnknownHostException("bad test address " + ip));
                // Carrying the name keeps TLS checking the certificate against the name, not the address.
                out.add(InetAddress.getByAddress(host, literal.getAddress()));
            }
        }
        if (out.isEmpty()) {
            return null;
        }
        warnOnce(TEST_RESOLVE);
        return out.toArray(InetAddress[]::new);
    }

    /**
     * Throws unless every address is allowed.
     *
     * @throws UnknownHostException naming the host, so the connection attempt fails like an unresolvable name
     */
    static void check(String host, InetAddress[] addresses) throws UnknownHostException {
        for (InetAddress a : addresses) {
            if (UrlRules.isBlockedAddress(a) && !exempt(a)) {
                throw new BlockedAddress(host, a);
            }
        }
    }

    /** A guarded name resolved to a blocked address. */
    static final class BlockedAddress extends UnknownHostException {
        BlockedAddress(String host, InetAddress address) {
            super(host + " resolves to a private/local address (" + address.getHostAddress() + ")");
        }
    }

    private static boolean exempt(InetAddress address) {
        String cidrs = System.getProperty(TEST_ALLOW_CIDRS);
        if (cidrs == null || cidrs.isBlank()) {
            return false;
        }
        for (String cidr : cidrs.split(",")) {
            if (inCidr(address, cidr.strip())) {
                warnOnce(TEST_ALLOW_CIDRS);
                return true;
            }
        }
        return false;
    }

    static boolean inCidr(InetAddress address, String cidr) {
        int slash = cidr.indexOf('/');
        String base = slash < 0 ? cidr : cidr.substring(0, slash);
        InetAddress network = io.perstack.core.policy.IpLiterals.parse(base).orElse(null);
        if (network == null) {
            return false;
        }
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int bits;
        try {
            bits = slash < 0 ? a.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (bits < 0 || bits > a.length * 8) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((a[i / 8] & mask) != (n[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static void warnOnce(String property) {
        if (WARNED.add(property)) {
            log().warn("Test-only override {} is set: remote skill address checks are relaxed", property);
        }
    }

    private static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
