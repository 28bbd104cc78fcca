package io.perstack.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Endpoint, base-URL and address rules (docs/configuration.md §4, §6.2; docs/isolation.md §5.3). */
class UrlRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {"https://mcp.example.com/sse", "https://mcp.example.com:8443/mcp?x=1",
            "https://8.8.8.8/sse", "https://[2001:4860:4860::8888]/sse", "HTTPS://MCP.EXAMPLE.COM/sse",
            "https://localhost.example.com/sse"})
    void publicHttpsEndpointsAreAccepted(String url) {
        assertThat(UrlRules.problemWithEndpoint(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://mcp.example.com/sse", "ws://mcp.example.com", "https://localhost/sse",
            "https://LOCALHOST./sse", "https://api.localhost/sse", "https://0.0.0.0/", "https://10.0.0.1/",
            "https://172.16.0.1/", "https://172.31.255.255/", "https://192.168.1.1/", "https://169.254.169.254/",
            "https://127.0.0.1/", "https://127.1/", "https://2130706433/", "https://0x7f.0.0.1/",
            "https://017700000001/", "https://100.64.0.1/", "https://[::1]/", "https://[fe80::1]/",
            "https://[fc00::1]/", "https://[fd12:3456::1]/", "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:a00:1]/", "https://[64:ff9b::a00:1]/", "https://[2002:c0a8:101::1]/",
            "https://1.2.3.999/", "https://user@10.0.0.1:8443/"})
    void privateLocalOrPlainHttpEndpointsAreRefused(String url) {
        assertThat(UrlRules.problemWithEndpoint(url)).contains(UrlRules.ENDPOINT_NOT_PUBLIC_HTTPS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mcp.example.com/sse", "https://", "https://exa mple.com", "/relative", "mailto:a@b.c"})
    void unparsableEndpointsAreInvalidUrls(String url) {
        assertThat(UrlRules.problemWithEndpoint(url)).contains(UrlRules.INVALID_URL);
    }

    @Test
    void providerBaseUrlsNeedHttpsUnlessOllamaOrLoopback() {
        assertThat(UrlRules.problemWithProviderBaseUrl(false, "https://api.example.com/v1")).isEmpty();
        assertThat(UrlRules.problemWithProviderBaseUrl(false, "http://api.example.com/v1"))
                .contains(UrlRules.BASE_URL_NOT_HTTPS);
        assertThat(UrlRules.problemWithProviderBaseUrl(false, "http://127.0.0.1:8080/v1")).isEmpty();
        assertThat(UrlRules.problemWithProviderBaseUrl(false, "http://127.9.9.9/v1")).isEmpty();
        assertThat(UrlRules.problemWithProviderBaseUrl(false, "http://localhost:8080/v1")).isEmpty();
        assertThat(UrlRules.problemWithProviderBaseUrl(false, "http://[::1]:8080/v1")).isEmpty();
        assertThat(UrlRules.problemWithProviderBaseUrl(false, "http://10.0.0.1/v1"))
                .contains(UrlRules.BASE_URL_NOT_HTTPS);
        assertThat(UrlRules.problemWithProviderBaseUrl(false, "http://localhost.evil.com/v1"))
                .contains(UrlRules.BASE_URL_NOT_HTTPS);
        assertThat(UrlRules.problemWithProviderBaseUrl(false, "ftp://127.0.0.1/v1"))
                .contains(UrlRules.BASE_URL_NOT_HTTPS);
        assertThat(UrlRules.problemWithProviderBaseUrl(true, "http://gpu.lan:11434")).isEmpty();
        assertThat(UrlRules.problemWithProviderBaseUrl(true, "localhost:11434")).contains(UrlRules.INVALID_URL);
        assertThat(UrlRules.problemWithProviderBaseUrl(true, "not a url")).contains(UrlRules.INVALID_URL);
    }

    @Test
    void registryBaseUrlNeedsHttps() {
        assertThat(UrlRules.problemWithApiBaseUrl("https://api.perstack.ai")).isEmpty();
        assertThat(UrlRules.problemWithApiBaseUrl("http://api.perstack.ai")).contains(UrlRules.API_BASE_URL_NOT_HTTPS);
        assertThat(UrlRules.problemWithApiBaseUrl("http://127.0.0.1:3000"))
                .contains(UrlRules.API_BASE_URL_NOT_HTTPS);
        assertThat(UrlRules.problemWithApiBaseUrl("api.perstack.ai")).contains(UrlRules.INVALID_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1.2.3", "10.255.0.1", "100.64.0.0", "100.127.255.255", "127.0.0.1", "169.254.169.254",
            "172.16.0.0", "172.31.0.1", "192.168.0.1", "224.0.0.1", "239.255.255.255", "240.0.0.1",
            "255.255.255.255", "::", "::1", "fe80::1", "febf::1", "fec0::1", "fc00::1", "fdff::1", "ff02::1",
            "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::10.0.0.1", "64:ff9b::7f00:1", "2002:a9fe:a9fe::1"})
    void resolvedAddressesInBlockedRangesAreBlocked(String literal) {
        assertThat(UrlRules.isBlockedAddress(InetAddress.ofLiteral(literal))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
            "192.167.1.1", "169.253.1.1", "223.255.255.255", "2001:4860:4860::8888", "2606:4700::1111",
            "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"})
    void publicAddressesAreNotBlocked(String literal) {
        assertThat(UrlRules.isBlockedAddress(InetAddress.ofLiteral(literal))).isFalse();
    }

    @Test
    void loopbackHostsAreLocalhostThe127RangeAndIpv6Loopback() {
        assertThat(UrlRules.isLoopbackHost("localhost")).isTrue();
        assertThat(UrlRules.isLoopbackHost("LOCALHOST.")).isTrue();
        assertThat(UrlRules.isLoopbackHost("127.0.0.1")).isTrue();
        assertThat(UrlRules.isLoopbackHost("127.255.0.1")).isTrue();
        assertThat(UrlRules.isLoopbackHost("[::1]")).isTrue();
        assertThat(UrlRules.isLoopbackHost("::ffff:127.0.0.1")).isTrue();
        assertThat(UrlRules.isLoopbackHost("10.0.0.1")).isFalse();
        assertThat(UrlRules.isLoopbackHost("128.0.0.1")).isFalse();
        assertThat(UrlRules.isLoopbackHost("::2")).isFalse();
        assertThat(UrlRules.isLoopbackHost("example.com")).isFalse();
    }

    @Test
    void urlPartsLowerCaseTheHostAndKeepNumericAndUnderscoreHosts() {
        assertThat(UrlRules.parts("HTTPS://Api.Example.COM:443/x"))
                .contains(new UrlRules.UrlParts("https", "api.example.com"));
        assertThat(UrlRules.parts("https://2130706433/x")).contains(new UrlRules.UrlParts("https", "2130706433"));
        assertThat(UrlRules.parts("https://my_host.example.com:8080/x"))
                .contains(new UrlRules.UrlParts("https", "my_host.example.com"));
        assertThat(UrlRules.parts("https://[::1]:8443/")).contains(new UrlRules.UrlParts("https", "::1"));
        assertThat(UrlRules.parts("no-scheme")).isEmpty();
    }
}
