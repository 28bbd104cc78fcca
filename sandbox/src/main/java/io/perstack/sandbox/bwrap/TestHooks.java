package io.perstack.sandbox.bwrap;

import io.perstack.sandbox.egress.Cidr;
import io.perstack.sandbox.egress.HostResolver;
import io.perstack.core.policy.IpLiterals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The two test-only switches of docs/isolation.md §5.3 and docs/testing.md §1, read from JVM system properties only, so
 * neither {@code perstack.toml}, flags nor environment variables can open private ranges. Whenever one is set a
 * warning is printed.
 *
 * <ul>
 *   <li>{@code perstack.test.egressAllowCidrs}: comma-separated ranges exempted from the blocked-address rule.</li>
 *   <li>{@code perstack.test.egressHosts}: a file of {@code name address[:port]} lines replacing DNS for the proxy;
 *       a port redirects the connection to a local test server. Every lookup is appended to
 *       {@code <file>.queries}, so tests can prove a name was never resolved.</li>
 * </ul>
 */
final class TestHooks {
    static final String ALLOW_CIDRS = "perstack.test.egressAllowCidrs";
    static final String HOSTS = "perstack.test.egressHosts";

    private TestHooks() {}

    static List<Cidr> exemptions(Consumer<String> warnings) {
        String value = System.getProperty(ALLOW_CIDRS);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<Cidr> ranges = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                ranges.add(Cidr.parse(part));
            }
        }
        warnings.accept("Warning: test override " + ALLOW_CIDRS + " exempts " + ranges
                + " from the egress address rules.");
        return List.copyOf(ranges);
    }

    static HostResolver resolver(Consumer<String> warnings) {
        String file = System.getProperty(HOSTS);
        if (file == null || file.isBlank()) {
            return null;
        }
        warnings.accept("Warning: test override " + HOSTS + " replaces DNS for the egress proxy.");
        Path hosts = Path.of(file);
        Path log = Path.of(file + ".queries");
        return (host, port) -> {
            try {
                Files.writeString(log, host + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                List<InetSocketAddress> found = new ArrayList<>();
                for (String line : Files.readAllLines(hosts)) {
                    String[] parts = line.strip().split("\\s+");
                    if (parts.length < 2 || !parts[0].toLowerCase(Locale.ROOT).equals(host)) {
                        continue;
                    }
                    found.add(address(parts[1], port));
                }
                if (found.isEmpty()) {
                    throw new UnknownHostException(host);
                }
                return found;
            } catch (IOException e) {
                if (e instanceof UnknownHostException u) {
                    throw u;
                }
                throw new UncheckedIOException(e);
            }
        };
    }

    /** {@code 10.0.0.1}, {@code 127.0.0.1:8443}, {@code [fd00::1]} or {@code [::1]:8443}. */
    private static InetSocketAddress address(String text, int port) {
        String host = text;
        int p = port;
        int close = text.lastIndexOf(']');
        int colon = text.lastIndexOf(':');
        if (text.startsWith("[") && close > 0) {
            host = text.substring(1, close);
            if (text.length() > close + 1) {
                p = Integer.parseInt(text.substring(close + 2));
            }
        } else if (colon > 0 && text.indexOf(':') == colon) {
            host = text.substring(0, colon);
            p = Integer.parseInt(text.substring(colon + 1));
        }
        String literal = host;
        return new InetSocketAddress(IpLiterals.parse(literal)
                .orElseThrow(() -> new IllegalArgumentException("not an address: " + literal)), p);
    }
}
