package io.perstack.core.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code allowedDomains} entries (docs/configuration.md §6.5): validation when a config is loaded, normalisation, and the
 * matching rule the egress proxy applies. Keeping all three here means the proxy can never match an entry the
 * loader would have read differently.
 */
public final class DomainRules {
    public static final String INVALID_PATTERN =
            "Invalid domain pattern. Use exact domain (example.com) or wildcard prefix (*.example.com)";
    public static final String PUNYCODE =
            "Punycode domains (xn--) are not allowed to prevent homograph attacks. Use ASCII domains only.";
    public static final String IP_ADDRESS = "IP addresses are not allowed in allowedDomains. Use a domain name.";
    public static final String WILDCARD_TOO_BROAD =
            "Wildcard patterns need at least two labels after \"*.\" (for example *.example.com)";

    private static final Pattern SYNTAX = Pattern.compile(
            "(\\*\\.)?[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*");

    private DomainRules() {}

    /** Why {@code entry} is not an acceptable allowlist entry; empty when it is. */
    public static Optional<String> problemWithPattern(String entry) {
        String e = stripOneTrailingDot(entry);
        // matches() anchors at both ends; a "$" would also accept a trailing newline.
        if (!SYNTAX.matcher(e).matches()) {
            return Optional.of(INVALID_PATTERN);
        }
        boolean wildcard = e.startsWith("*.");
        String domain = wildcard ? e.substring(2) : e;
        for (String label : domain.split("\\.")) {
            if (label.toLowerCase(Locale.ROOT).startsWith("xn--")) {
                return Optional.of(PUNYCODE);
            }
        }
        if (IpLiterals.parseIpv4(domain).isPresent() || IpLiterals.lastLabelIsNumeric(domain)) {
            return Optional.of(IP_ADDRESS);
        }
        if (wildcard && domain.indexOf('.') < 0) {
            return Optional.of(WILDCARD_TOO_BROAD);
        }
        return Optional.empty();
    }

    /** Lower case, one trailing dot removed: {@code a.Example.com.} and {@code a.example.com} are the same name. */
    public static String normalise(String entryOrHost) {
        return stripOneTrailingDot(entryOrHost).toLowerCase(Locale.ROOT);
    }

    /**
     * Normalises valid entries, removes duplicates and drops exact entries a wildcard entry already matches; keeps
     * first-seen order so the stored list reads like the file.
     */
    public static List<String> normaliseAll(List<String> validEntries) {
        Set<String> unique = new LinkedHashSet<>();
        for (String entry : validEntries) {
            unique.add(normalise(entry));
        }
        List<String> wildcards = unique.stream().filter(e -> e.startsWith("*.")).toList();
        List<String> result = new ArrayList<>();
        for (String entry : unique) {
            boolean covered = !entry.startsWith("*.") && wildcards.stream().anyMatch(w -> matches(w, entry));
            if (!covered) {
                result.add(entry);
            }
        }
        return List.copyOf(result);
    }

    /**
     * True when {@code host} is allowed by {@code pattern}. A wildcard needs at least one more label, so
     * {@code *.example.com} allows {@code api.example.com} but never the apex {@code example.com}.
     */
    public static boolean matches(String pattern, String host) {
        String p = normalise(pattern);
        String h = normalise(host);
        if (p.startsWith("*.")) {
            String suffix = p.substring(1); // ".example.com"
            return h.length() > suffix.length() && h.endsWith(suffix);
        }
        return p.equals(h);
    }

    private static String stripOneTrailingDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
