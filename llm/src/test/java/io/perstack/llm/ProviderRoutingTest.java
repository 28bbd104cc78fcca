package io.perstack.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.testkit.llm.RecordedRequest;
import io.perstack.testkit.llm.Reply;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provider options the matrix does not vary: Azure deployment URLs, non-Anthropic Bedrock models. */
class ProviderRoutingTest {
    private static final List<Message> HELLO = List.of(
            new Message.InstructionMessage("i", List.of(new TextPart("t0", "Be brief.")), true),
            new Message.UserMessage("m", List.of(new TextPart("t1", "hi")), null));

    private static RecordedRequest generateOnce(String provider, ProviderConfig.Setting setting,
                                                Map<String, String> env, String model,
                                                ScriptedLlmServer server) {
        LlmClient client = new Providers().create(ProviderSettings.resolve(new ProviderConfig(provider, setting), env),
                null);
        GenerationOutcome outcome = client.generate(new GenerationRequest(model, HELLO, List.of(),
                ReasoningBudget.parse("high"), Duration.ofSeconds(20)), GenerationListener.NONE);
        assertThat(outcome).isInstanceOf(GenerationOutcome.Generated.class);
        return server.requests().getLast();
    }

    @Test
    void azureDeploymentBasedUrlsAddressTheDeploymentWithTheConfiguredApiVersion() {
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.of(Reply.text("ok")))) {
            ProviderConfig.Setting setting = new ProviderConfig.Setting(server.baseUrl() + "/openai", Map.of(), null,
                    null, null, null, "2024-10-21", true, null, null);
            RecordedRequest r = generateOnce("azure-openai", setting, Map.of("AZURE_API_KEY", "azure-key-1"),
                    "gpt4o-prod", server);

            assertThat(r.path()).isEqualTo("/openai/deployments/gpt4o-prod/chat/completions");
            assertThat(r.query()).isEqualTo("api-version=2024-10-21");
            assertThat(r.header("api-key")).isEqualTo("azure-key-1");
        }
    }

    @Test
    void bedrockSendsNeitherThinkingNorCachePointsToNonAnthropicModels() {
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.of(Reply.text("ok")))) {
            RecordedRequest r = generateOnce("amazon-bedrock", null, Map.of("AWS_ACCESS_KEY_ID", "AKIDX",
                    "AWS_SECRET_ACCESS_KEY", "secret-x", "AWS_REGION", "eu-central-1",
                    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.bedrockBaseUrl()), "amazon.nova-pro-v1:0", server);

            JsonNode body = r.body();
            assertThat(r.path()).isEqualTo("/model/amazon.nova-pro-v1%3A0/converse-stream");
            assertThat(body.path("system")).hasSize(1);
            assertThat(body.has("additionalModelRequestFields")).isFalse();
            assertThat(r.header("authorization")).contains("/eu-central-1/bedrock/aws4_request")
                    .doesNotContain("x-amz-security-token");
            assertThat(r.header("x-amz-security-token")).isNull();
        }
    }
}
