package io.perstack.skills.mcp;

import io.perstack.core.policy.UrlRules;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
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
 * <p>Each guarded name keeps the {@link RemoteAddressRules} of the remote access that guarded it. The JVM's resolver
 * is shared and cannot tell who is asking, so a name once guarded with {@link RemoteAddressRules#STRICT} stays strict:
 * rules relaxed by test code never loosen a check production code asked for.
 */
final class AddressGuard {
    /** Looked up when there is something to report: setting up logging is a cost no ordinary run should pay. */
    private static Logger log() {
        return LoggerFactory.getLogger(AddressGuard.class);
    }

    /**
     * Process-wide on purpose: {@link GuardedResolverProvider} is the JVM's one resolver (installed through
     * {@code ServiceLoader}), so the rules it applies cannot belong to one job. One entry per guarded host name.
     */
    private static final Map<String, RemoteAddressRules> GUARDED = new ConcurrentHashMap<>();
    /** Each host's warning is printed once per process, for the same reason. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private AddressGuard() {}

    /** From now on every lookup of {@code host} is checked. Hosts are never unguarded: the rule has no off switch. */
    static void guard(String host, RemoteAddressRules rules) {
        GUARDED.merge(RemoteAddressRules.normalise(host), rules, (old, next) -> old.strict() ? old : next);
    }

    /** The rules that apply to {@code host}, or {@code null} when it is not guarded. */
    static RemoteAddressRules rules(String host) {
        return GUARDED.get(RemoteAddressRules.normalise(host));
    }

    /** The fixed answer the rules give for a guarded name, or {@code null}. */
    static InetAddress[] fixedAnswer(String host, RemoteAddressRules rules) throws UnknownHostException {
        InetAddress[] answer = rules.answer(host);
        if (answer != null) {
            warnOnce(host, "answered without DNS");
        }
        return answer;
    }

    /**
     * Throws unless every address is allowed.
     *
     * @throws UnknownHostException naming the host, so the connection attempt fails like an unresolvable name
     */
    static void check(String host, InetAddress[] addresses, RemoteAddressRules rules) throws UnknownHostException {
        for (InetAddress a : addresses) {
            if (!UrlRules.isBlockedAddress(a)) {
                continue;
            }
            if (!rules.exempt(a)) {
                throw new BlockedAddress(host, a);
            }
            warnOnce(host, "let through to exempt address " + a.getHostAddress());
        }
    }

    /** A guarded name resolved to a blocked address. */
    static final class BlockedAddress extends UnknownHostException {
        BlockedAddress(String host, InetAddress address) {
            super(host + " resolves to a private/local address (" + address.getHostAddress() + ")");
        }
    }

    private static void warnOnce(String host, String what) {
        if (WARNED.add(RemoteAddressRules.normalise(host) + " " + what)) {
            log().warn("Relaxed remote address rules: {} {}", host, what);
        }
    }
}
