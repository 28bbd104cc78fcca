package io.perstack.core.policy;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Rules for URLs written in configuration or the environment: remote skill endpoints, provider base URLs and the
 * registry base URL (docs/configuration.md §3, §4, §6.2). Checks here look at the text only; the connect-time check of resolved
 * addresses uses {@link #isBlockedAddress(InetAddress)} with the same ranges, so a public name that resolves to a
 * private address is caught there (DNS rebinding).
 */
public final class UrlRules {
    public static final String INVALID_URL = "Invalid URL";
    public static final String ENDPOINT_NOT_PUBLIC_HTTPS = "SSE endpoint must be a public HTTPS URL";
    public static final String BASE_URL_NOT_HTTPS = "URL must use HTTPS";
    public static final String API_BASE_URL_NOT_HTTPS = "perstackApiBaseUrl must use HTTPS";

    private UrlRules() {}

    /** The scheme and host of an absolute URL with an authority; host lower-case, IPv6 without brackets. */
    public record UrlParts(String scheme, String host) {}

    /**
     * Splits an absolute URL into scheme and host. Hosts that {@link URI} does not accept as server names (underscores,
     * all-numeric forms such as {@code 2130706433}) are still extracted, so they reach the address checks instead of
     * slipping past them.
     */
    public static Optional<UrlParts> parts(String url) {
        if (url == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawAuthority() == null) {
            return Optional.empty();
        }
        String host = uri.getHost() != null ? uri.getHost() : hostOfAuthority(uri.getRawAuthority());
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return Optional.of(new UrlParts(uri.getScheme().toLowerCase(Locale.ROOT), host.toLowerCase(Locale.ROOT)));
    }

    private static String hostOfAuthority(String authority) {
        String a = authority.substring(authority.lastIndexOf('@') + 1);
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end < 0 ? null : a.substring(0, end + 1);
        }
        int colon = a.lastIndexOf(':');
        if (colon >= 0) {
            String port = a.substring(colon + 1);
            if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            a = a.substring(0, colon);
        }
        return a;
    }

    /** Why {@code url} cannot be a remote skill endpoint ({@code mcpSseSkill}, {@code mcpStreamableHttpSkill}). */
    public static Optional<String> problemWithEndpoint(String url) {
        Optional<UrlParts> parts = parts(url);
        if (parts.isEmpty()) {
            return Optional.of(INVALID_URL);
        }
        UrlParts p = parts.get();
        if (!p.scheme().equals("https") || isPrivateOrLocalHost(p.host()) || hasUnparsableNumericHost(p.host())) {
            return Optional.of(ENDPOINT_NOT_PUBLIC_HTTPS);
        }
        return Optional.empty();
    }

    /**
     * Why {@code url} cannot be a provider's base URL: https is required unless {@code anyScheme} (a provider without
     * credentials, such as Ollama) and except for plain http to a loopback host, which serves local model servers and
     * the scripted test server. The same rule applies to the providers' base-URL environment variables.
     */
    public static Optional<String> problemWithProviderBaseUrl(boolean anyScheme, String url) {
        Optional<UrlParts> parts = parts(url);
        if (parts.isEmpty()) {
            return Optional.of(INVALID_URL);
        }
        UrlParts p = parts.get();
        if (anyScheme || p.scheme().equals("https")) {
            return Optional.empty();
        }
        if (p.scheme().equals("http") && isLoopbackHost(p.host())) {
            return Optional.empty();
        }
        return Optional.of(BASE_URL_NOT_HTTPS);
    }

    /** Why {@code url} cannot be {@code perstackApiBaseUrl} (https only; the registry carries API keys). */
    public static Optional<String> problemWithApiBaseUrl(String url) {
        Optional<UrlParts> parts = parts(url);
        if (parts.isEmpty()) {
            return Optional.of(INVALID_URL);
        }
        return parts.get().scheme().equals("https") ? Optional.empty() : Optional.of(API_BASE_URL_NOT_HTTPS);
    }

    /**
     * True when the host, as written, denotes a local or private destination: {@code localhost} (and names under
     * {@code .localhost}, which resolvers map to loopback) or an address literal in a blocked range. Names are not
     * resolved here.
     */
    public static boolean isPrivateOrLocalHost(String host) {
        String h = normaliseHost(host);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        return IpLiterals.parse(h).map(IpLiterals::isBlocked).orElse(false);
    }

    /** True for {@code localhost}, {@code 127.0.0.0/8} (any classic form) and {@code ::1}. */
    public static boolean isLoopbackHost(String host) {
        String h = normaliseHost(host);
        if (h.equals("localhost")) {
            return true;
        }
        return IpLiterals.parse(h).map(IpLiterals::isLoopback).orElse(false);
    }

    /** The connect-time check of a resolved address against docs/isolation.md §5.3. */
    public static boolean isBlockedAddress(InetAddress address) {
        return IpLiterals.isBlocked(address);
    }

    private static String normaliseHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** A host like {@code 1.2.3.999} is neither a name nor a valid address; URL parsers reject it. */
    private static boolean hasUnparsableNumericHost(String host) {
        String h = normaliseHost(host);
        return h.indexOf(':') < 0 && IpLiterals.lastLabelIsNumeric(h) && IpLiterals.parse(h).isEmpty();
    }
}
