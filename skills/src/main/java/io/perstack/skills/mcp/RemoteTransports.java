package io.perstack.skills.mcp;

import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.perstack.core.policy.UrlRules;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

/**
 * The SDK's HTTP transports, set up for remote skills (docs/skills.md §7): https only, no literal private or local
 * host, every resolved address checked (and checked again on every later lookup through
 * {@link GuardedResolverProvider}), redirects never followed, certificates always verified, messages bounded.
 */
final class RemoteTransports {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private RemoteTransports() {}

    static McpClientTransport create(String skillName, McpServer.Remote remote, McpJsonMapper mapper)
            throws McpConnection.RequestFailed {
        String url = remote.endpoint();
        Optional<UrlRules.UrlParts> parts = UrlRules.parts(url);
        if (parts.isEmpty()) {
            throw new McpConnection.RequestFailed("Invalid URL: " + url);
        }
        if (!parts.get().scheme().equals("https")) {
            throw new McpConnection.RequestFailed("Skill " + skillName + " SSE endpoint must use HTTPS: " + url);
        }
        String host = parts.get().host();
        if (UrlRules.isPrivateOrLocalHost(host)) {
            throw new McpConnection.RequestFailed("Skill " + skillName
                    + " SSE endpoint cannot use private/local IP: " + url);
        }
        AddressGuard.guard(host, remote.access().addresses());
        try {
            // Also catches an answer the JVM cached before the name was guarded; the rules are the name's own, which
            // stay strict once any access guarded it strictly.
            AddressGuard.check(host, InetAddress.getAllByName(host), AddressGuard.rules(host));
        } catch (AddressGuard.BlockedAddress e) {
            throw new McpConnection.RequestFailed("Skill " + skillName + " SSE endpoint cannot use private/local IP: "
                    + url + " (" + e.getMessage() + ")");
        } catch (UnknownHostException e) {
            throw new McpConnection.RequestFailed("Cannot resolve " + host + ": " + e.getMessage());
        }

        URI uri = URI.create(url);
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        HttpClient.Builder http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT);
        if (remote.access().sslContext() != null) {
            http.sslContext(remote.access().sslContext());
        }
        proxy(remote.access().proxyUrl()).ifPresent(http::proxy);
        if (remote.streamable()) {
            return HttpClientStreamableHttpTransport.builder(base).endpoint(path).clientBuilder(http)
                    .jsonMapper(mapper).connectTimeout(CONNECT_TIMEOUT)
                    .maxResponseSize(StdioTransport.MAX_MESSAGE_BYTES).build();
        }
        return HttpClientSseClientTransport.builder(base).sseEndpoint(path).clientBuilder(http)
                .jsonMapper(mapper).connectTimeout(CONNECT_TIMEOUT)
                .maxResponseSize(StdioTransport.MAX_MESSAGE_BYTES).build();
    }

    private static Optional<ProxySelector> proxy(String proxyUrl) {
        if (proxyUrl == null || proxyUrl.isBlank()) {
            return Optional.empty();
        }
        try {
            URI p = URI.create(proxyUrl);
            int port = p.getPort() > 0 ? p.getPort() : "https".equalsIgnoreCase(p.getScheme()) ? 443 : 80;
            return p.getHost() == null ? Optional.empty()
                    : Optional.of(ProxySelector.of(InetSocketAddress.createUnresolved(p.getHost(), port)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
