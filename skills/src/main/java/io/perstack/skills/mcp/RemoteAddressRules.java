package io.perstack.skills.mcp;

import io.perstack.sandbox.egress.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the host names of remote skill endpoints are resolved and checked (docs/skills.md §7, SR-42). {@link #STRICT}, the
 * only rules the runtime ever uses, resolves through the platform and refuses every blocked range of docs/isolation.md
 * §5.3. Only code can relax them (docs/testing.md §1 "Network doubles": a test answers a public-looking name with a
 * local TLS server's address and exempts that range); no configuration, flag, environment variable or system property
 * reaches them.
 *
 * @param answers    fixed answers replacing DNS for these names (lower case, no trailing dot)
 * @param exemptions blocked ranges a guarded name may still resolve to
 */
public record RemoteAddressRules(Map<String, List<InetAddress>> answers, List<Cidr> exemptions) {
    public static final RemoteAddressRules STRICT = new RemoteAddressRules(Map.of(), List.of());

    public RemoteAddressRules {
        Map<String, List<InetAddress>> normalised = new LinkedHashMap<>();
        (answers == null ? Map.<String, List<InetAddress>>of() : answers)
                .forEach((name, addresses) -> normalised.put(normalise(name), List.copyOf(addresses)));
        answers = Map.copyOf(normalised);
        exemptions = exemptions == null ? List.of() : List.copyOf(exemptions);
    }

    /** Whether these are the production rules: nothing answered, nothing exempt. */
    public boolean strict() {
        return answers.isEmpty() && exemptions.isEmpty();
    }

    /** The fixed answer for {@code host}, carrying the name so TLS checks the name; {@code null} if none. */
    InetAddress[] answer(String host) throws UnknownHostException {
        List<InetAddress> fixed = answers.get(normalise(host));
        if (fixed == null || fixed.isEmpty()) {
            return null;
        }
        InetAddress[] out = new InetAddress[fixed.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = InetAddress.getByAddress(host, fixed.get(i).getAddress());
        }
        return out;
    }

    boolean exempt(InetAddress address) {
        return exemptions.stream().anyMatch(range -> range.contains(address));
    }

    static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
