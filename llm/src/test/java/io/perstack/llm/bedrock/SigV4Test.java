package io.perstack.llm.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigV4Test {
    /** AWS's published "get-vanilla" case of the Signature Version 4 test suite. */
    @Test
    void signsThePublishedVanillaRequestExactlyAsAwsDoes() {
        SigV4 signer = new SigV4("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null, "us-east-1",
                "service");

        Map<String, String> headers = signer.sign("GET", URI.create("https://example.amazonaws.com/"), Map.of(),
                new byte[0], Instant.parse("2015-08-30T12:36:00Z"));

        assertThat(headers).containsEntry("x-amz-date", "20150830T123600Z").doesNotContainKey("x-amz-security-token");
        assertThat(headers.get("authorization")).isEqualTo("AWS4-HMAC-SHA256 "
                + "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

    @Test
    void temporaryCredentialsSignAndSendTheSessionToken() {
        SigV4 signer = new SigV4("AKIDEXAMPLE", "secret", "session-token-1", "eu-west-1", "bedrock");

        Map<String, String> headers = signer.sign("POST", URI.create("https://bedrock-runtime.eu-west-1.amazonaws.com"
                + "/model/m/converse-stream"), Map.of("Content-Type", "application/json"), "{}".getBytes(),
                Instant.parse("2025-01-02T03:04:05Z"));

        assertThat(headers).containsEntry("x-amz-security-token", "session-token-1");
        assertThat(headers.get("authorization"))
                .contains("Credential=AKIDEXAMPLE/20250102/eu-west-1/bedrock/aws4_request")
                .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token");
    }

    @Test
    void modelIdsWithColonsAreSignedEncodedTwice() {
        assertThat(SigV4.canonicalPath("/model/anthropic.claude-v1%3A0/converse-stream"))
                .isEqualTo("/model/anthropic.claude-v1%253A0/converse-stream");
        assertThat(SigV4.encode("a:b c~d*")).isEqualTo("a%3Ab%20c~d%2A");
    }

    @Test
    void theHostHeaderCarriesOnlyNonDefaultPorts() {
        assertThat(SigV4.hostHeader(URI.create("https://example.com:443/x"))).isEqualTo("example.com");
        assertThat(SigV4.hostHeader(URI.create("http://127.0.0.1:8123/x"))).isEqualTo("127.0.0.1:8123");
    }
}
