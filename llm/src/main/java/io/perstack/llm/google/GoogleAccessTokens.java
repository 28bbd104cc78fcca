package io.perstack.llm.google;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.http.HttpTransport;
import io.perstack.llm.http.ProviderRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Map;
import java.time.Instant;
import java.util.Base64;

/**
 * OAuth2 access tokens from a Google application-default-credentials file, for Vertex AI. Two kinds of file exist:
 * {@code authorized_user} (from {@code gcloud auth application-default login}: a refresh token is exchanged) and
 * {@code service_account} (a JWT signed with the account's RSA key is exchanged). Tokens are cached until a minute
 * before they expire. No Google client library is on our mirror, and these two exchanges are small and stable.
 */
final class GoogleAccessTokens {
    private static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    private static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    private static final Duration EARLY_REFRESH = Duration.ofSeconds(60);

    private final Path file;
    private final HttpTransport transport;
    private String token;
    private Instant expiresAt = Instant.EPOCH;

    GoogleAccessTokens(Path file, HttpTransport transport) {
        this.file = file;
        this.transport = transport;
    }

    /** A valid access token, exchanging a new one when the cached one is (nearly) expired. */
    synchronized String current() {
        if (token != null && Instant.now().isBefore(expiresAt.minus(EARLY_REFRESH))) {
            return token;
        }
        JsonNode credentials;
        try {
            credentials = Json.mapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Google credentials " + file + ": " + e.getMessage(), e);
        }
        String tokenUri = credentials.path("token_uri").asText(DEFAULT_TOKEN_URI);
        if (!ProviderSettings.isSecureOrLoopback(tokenUri)) {
            throw new IllegalStateException("Google credentials token_uri must use HTTPS");
        }
        String form = switch (credentials.path("type").asText("")) {
            case "authorized_user" -> "grant_type=refresh_token"
                    + "&client_id=" + enc(credentials.path("client_id").asText())
                    + "&client_secret=" + enc(credentials.path("client_secret").asText())
                    + "&refresh_token=" + enc(credentials.path("refresh_token").asText());
            case "service_account" -> "grant_type=" + enc("urn:ietf:params:oauth:grant-type:jwt-bearer")
                    + "&assertion=" + enc(signedAssertion(credentials, tokenUri));
            default -> throw new IllegalStateException("Unsupported Google credentials type \""
                    + credentials.path("type").asText() + "\" in " + file);
        };
        ProviderRequest request = ProviderRequest.post(URI.create(tokenUri),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), form.getBytes(StandardCharsets.UTF_8));
        try {
            JsonNode answer = Json.mapper().readTree(transport.exchange(request));
            String fresh = answer.path("access_token").asText(null);
            if (fresh == null) {
                throw new IllegalStateException("Google token endpoint returned no access_token");
            }
            token = fresh;
            expiresAt = Instant.now().plusSeconds(answer.path("expires_in").asLong(3600));
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Token request cancelled", e);
        }
    }

    /** A JWT bearer assertion (RFC 7523) signed RS256 with the service account's key. */
    static String signedAssertion(JsonNode credentials, String tokenUri) {
        long now = Instant.now().getEpochSecond();
        String header = b64(Json.write(Json.object().put("alg", "RS256").put("typ", "JWT")
                .put("kid", credentials.path("private_key_id").asText(""))));
        String claims = b64(Json.write(Json.object().put("iss", credentials.path("client_email").asText())
                .put("scope", SCOPE).put("aud", tokenUri).put("iat", now).put("exp", now + 3600)));
        String signingInput = header + "." + claims;
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(privateKey(credentials.path("private_key").asText()));
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("Cannot sign with the service account key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                .decode(base64)));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
