package io.perstack.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.json.Json;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.testkit.llm.Reply;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vertex with a service-account key: a signed JWT is exchanged for the bearer token the requests carry. */
class VertexServiceAccountTest {
    @TempDir
    Path dir;

    @Test
    void aServiceAccountKeySignsTheTokenRequestAndTheTokenIsReusedAcrossGenerations() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        try (GoogleTokenServer tokens = new GoogleTokenServer();
             ScriptedLlmServer server = ScriptedLlmServer.start(Script.of(Reply.text("one"), Reply.text("two")))) {
            Path file = dir.resolve("sa.json");
            Files.writeString(file, Json.write(Json.object().put("type", "service_account")
                    .put("client_email", "agent@proj.iam.gserviceaccount.com").put("private_key_id", "kid-1")
                    .put("private_key", pem).put("token_uri", tokens.tokenUri())));
            ProviderSettings settings = ProviderSettings.resolve(new ProviderConfig("google-vertex", null), Map.of(
                    "GOOGLE_APPLICATION_CREDENTIALS", file.toString(),
                    "GOOGLE_VERTEX_BASE_URL", server.baseUrl() + "/v1/projects/p/locations/l/publishers/google"));
            LlmClient client = new Providers().create(settings, null);
            GenerationRequest request = new GenerationRequest("gemini-2.5-flash", List.of(
                    new Message.UserMessage("m1", List.of(new TextPart("t1", "hi")), null)), List.of(),
                    ReasoningBudget.LOW, Duration.ofSeconds(20));

            assertThat(client.generate(request, GenerationListener.NONE)).isInstanceOf(GenerationOutcome.Generated.class);
            assertThat(client.generate(request, GenerationListener.NONE)).isInstanceOf(GenerationOutcome.Generated.class);

            assertThat(server.requests()).extracting(r -> r.header("authorization"))
                    .containsOnly("Bearer " + GoogleTokenServer.TOKEN);
            assertThat(tokens.forms()).hasSize(1);
            String form = tokens.forms().getFirst();
            assertThat(form).startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
            String jwt = URLDecoder.decode(form.substring(form.indexOf("assertion=") + 10), StandardCharsets.UTF_8);
            String[] parts = jwt.split("\\.");
            assertThat(parts).hasSize(3);
            var claims = Json.tree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            assertThat(claims.path("iss").asText()).isEqualTo("agent@proj.iam.gserviceaccount.com");
            assertThat(claims.path("aud").asText()).isEqualTo(tokens.tokenUri());
            assertThat(claims.path("scope").asText()).isEqualTo("https://www.googleapis.com/auth/cloud-platform");
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(keys.getPublic());
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
        }
    }

    @Test
    void anAuthorizedUserFileExchangesItsRefreshToken() throws Exception {
        try (GoogleTokenServer tokens = new GoogleTokenServer();
             ScriptedLlmServer server = ScriptedLlmServer.start(Script.of(Reply.text("one")))) {
            ProviderSettings settings = ProviderSettings.resolve(new ProviderConfig("google-vertex", null), Map.of(
                    "GOOGLE_APPLICATION_CREDENTIALS", tokens.authorizedUserFile(dir).toString(),
                    "GOOGLE_VERTEX_BASE_URL", server.baseUrl() + "/v1/projects/p/locations/l/publishers/google"));
            GenerationRequest request = new GenerationRequest("gemini-2.5-flash", List.of(
                    new Message.UserMessage("m1", List.of(new TextPart("t1", "hi")), null)), List.of(),
                    ReasoningBudget.LOW, Duration.ofSeconds(20));

            assertThat(new Providers().create(settings, null).generate(request, GenerationListener.NONE))
                    .isInstanceOf(GenerationOutcome.Generated.class);
            assertThat(tokens.forms()).singleElement().asString().contains("grant_type=refresh_token",
                    "refresh_token=refresh-token-1", "client_id=client-1");
        }
    }
}
