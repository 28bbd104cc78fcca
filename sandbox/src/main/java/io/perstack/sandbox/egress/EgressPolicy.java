package io.perstack.sandbox.egress;

import io.perstack.core.policy.DomainRules;
import io.perstack.core.policy.IpLiterals;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The matching rules of docs/isolation.md §5.2 and §5.3, free of I/O so every case can be tested directly. A request is
 * judged in two stages: {@link #judgeTarget} before any DNS lookup (so denied names are never resolved), then
 * {@link #judgeAddresses} on everything the allowed name resolved to.
 *
 * @param allowlist      normalised {@code allowedDomains} entries of the job (exact names and {@code *.suffix})
 * @param testExemptions ranges exempted from the blocked-address rule; only ever set by test code (through
 *                       {@code SandboxSettings.egressExemptions}), so a configuration can never open private ranges
 */
public record EgressPolicy(List<String> allowlist, List<Cidr> testExemptions) {
    public static final int ALLOWED_PORT = 443;

    public static final String PLAIN_HTTP = "plain HTTP is not allowed";
    public static final String PORT_NOT_ALLOWED = "port not allowed";
    public static final String IP_LITERAL = "IP literal not allowed";
    public static final String NON_ASCII = "non-ASCII host not allowed";
    public static final String NOT_IN_ALLOWLIST = "domain not in allowlist";
    public static final String ADDRESS_NOT_ALLOWED = "destination address not allowed";
    public static final String NOT_RESOLVED = "host not found";
    public static final String TEST_OVERRIDE = "test override";

    public EgressPolicy {
        allowlist = DomainRules.normaliseAll(allowlist);
        testExemptions = List.copyOf(testExemptions);
    }

    public static EgressPolicy of(List<String> allowlist) {
        return new EgressPolicy(allowlist, List.of());
    }

    /** A CONNECT target as the events report it: the normalised host (or the literal as sent) and the port. */
    public record Target(String host, int port) {}

    /** The outcome of the first stage: the target, and the refusal reason when it is refused. */
    public record TargetVerdict(Target target, Optional<String> refusal) {}

    /**
     * Judges a CONNECT authority ({@code host:port}, {@code [v6]:port}) before any lookup.
     */
    public TargetVerdict judgeTarget(String authority) {
        String raw = authority == null ? "" : authority.strip();
        String host;
        String portText;
        if (raw.startsWith("[")) {
            int close = raw.indexOf(']');
            host = close < 0 ? raw : raw.substring(0, close + 1);
            portText = close >= 0 && raw.length() > close + 1 && raw.charAt(close + 1) == ':'
                    ? raw.substring(close + 2) : "";
        } else {
            int colon = raw.lastIndexOf(':');
            host = colon < 0 ? raw : raw.substring(0, colon);
            portText = colon < 0 ? "" : raw.substring(colon + 1);
        }
        int port = parsePort(portText);
        String normalised = DomainRules.normalise(host);
        Target target = new Target(normalised, port);
        if (port != ALLOWED_PORT) {
            return new TargetVerdict(target, Optional.of(PORT_NOT_ALLOWED));
        }
        if (isIpLiteral(normalised)) {
            return new TargetVerdict(target, Optional.of(IP_LITERAL));
        }
        // Checked on the text as sent: lower-casing can turn a non-ASCII letter (the Kelvin sign) into ASCII.
        if (!isAscii(host) || hasPunycodeLabel(normalised)) {
            return new TargetVerdict(target, Optional.of(NON_ASCII));
        }
        // DomainRules.matches normalises again, so a second trailing dot would vanish there: empty labels are
        // never a valid name.
        boolean emptyLabel = normalised.isEmpty() || normalised.startsWith(".") || normalised.endsWith(".")
                || normalised.contains("..");
        if (emptyLabel || allowlist.stream().noneMatch(entry -> DomainRules.matches(entry, normalised))) {
            return new TargetVerdict(target, Optional.of(NOT_IN_ALLOWLIST));
        }
        return new TargetVerdict(target, Optional.empty());
    }

    /** The outcome of the second stage: the address to connect to, or the refusal reason. */
    public sealed interface AddressVerdict {
        record Connect(InetSocketAddress address, boolean overridden) implements AddressVerdict {}

        record Refuse(String reason) implements AddressVerdict {}
    }

    /**
     * Refuses when <em>any</em> resolved address is in a blocked range (a name with one public and one private
     * address is exactly what a rebinding attack returns); otherwise picks the first address.
     */
    public AddressVerdict judgeAddresses(List<InetSocketAddress> resolved) {
        if (resolved.isEmpty()) {
            return new AddressVerdict.Refuse(NOT_RESOLVED);
        }
        boolean overridden = false;
        for (InetSocketAddress candidate : resolved) {
            if (candidate.isUnresolved()) {
                return new AddressVerdict.Refuse(NOT_RESOLVED);
            }
            if (IpLiterals.isBlocked(candidate.getAddress())) {
                if (testExemptions.stream().noneMatch(c -> c.contains(candidate.getAddress()))) {
                    return new AddressVerdict.Refuse(ADDRESS_NOT_ALLOWED);
                }
                overridden = true;
            }
        }
        return new AddressVerdict.Connect(resolved.getFirst(), overridden);
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(text);
    }

    private static boolean isIpLiteral(String host) {
        return host.startsWith("[") || host.indexOf(':') >= 0 || IpLiterals.parse(host).isPresent()
                || IpLiterals.lastLabelIsNumeric(host);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasPunycodeLabel(String host) {
        for (String label : host.split("\\.")) {
            if (label.toLowerCase(Locale.ROOT).startsWith("xn--")) {
                return true;
            }
        }
        return false;
    }
}
