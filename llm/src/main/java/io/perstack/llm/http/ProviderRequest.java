package io.perstack.llm.http;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request to a provider as the transport sends it: method, absolute {@code http}/{@code https} URI, header
 * lines in order, and the body ({@code null} for none).
 */
public record ProviderRequest(String method, URI uri, List<Map.Entry<String, String>> headers, byte[] body) {
    public ProviderRequest {
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("Provider URL must use http or https: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("Provider URL has no host: " + uri);
        }
        headers = List.copyOf(headers);
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().isEmpty() || !safe(h.getKey()) || !safe(h.getValue()) || h.getKey().indexOf(':') >= 0) {
                throw new IllegalArgumentException("Invalid HTTP header "
                        + h.getKey().replaceAll("[^\\x20-\\x7e]", "?"));
            }
        }
        if (!method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw new IllegalArgumentException("Invalid HTTP method " + method);
        }
    }

    /** A line break in a header would let a value smuggle in a second header or request. */
    private static boolean safe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }

    public static ProviderRequest post(URI uri, Map<String, String> headers, byte[] body) {
        return new ProviderRequest("POST", uri, List.copyOf(headers.entrySet()), body);
    }
}
