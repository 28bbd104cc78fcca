package io.perstack.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.model.Usage;
import io.perstack.testkit.llm.RecordedRequest;
import io.perstack.testkit.llm.ScriptedLlmServer;
import io.perstack.testkit.llm.Wire;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the eight providers as the matrix tests drive it: how to point it at the scripted server, which model to
 * ask for, and what its requests must look like (authentication, reasoning options). Secrets are test canaries.
 */
enum ProviderTarget {
    ANTHROPIC("anthropic", "claude-sonnet-4-5", Wire.ANTHROPIC, true),
    OPENAI("openai", "o3-mini", Wire.OPENAI, false),
    AZURE_OPENAI("azure-openai", "my-deployment", Wire.OPENAI, false),
    DEEPSEEK("deepseek", "deepseek-reasoner", Wire.OPENAI, false),
    GOOGLE("google", "gemini-2.5-flash", Wire.GEMINI, true),
    GOOGLE_VERTEX("google-vertex", "gemini-2.5-pro", Wire.GEMINI, true),
    AMAZON_BEDROCK("amazon-bedrock", "anthropic.claude-3-7-sonnet-20250219-v1:0", Wire.BEDROCK, true),
    OLLAMA("ollama", "gpt-oss:20b", Wire.OLLAMA, false);

    static final String KEY = "canary-key-5f3a9c";
    static final String HEADER_VALUE = "canary-header-2b7e";
    static final String AWS_ID = "AKIDCANARY7Q";
    static final String AWS_SECRET = "canary-aws-secret-81d4";
    static final String AWS_TOKEN = "canary-aws-session-c09e";

    final String provider;
    final String model;
    final Wire wire;
    /** Whether the wire carries a thinking signature that must come back in the next request. */
    final boolean signs;

    ProviderTarget(String provider, String model, Wire wire, boolean signs) {
        this.provider = provider;
        this.model = model;
        this.wire = wire;
        this.signs = signs;
    }

    /** The environment (as the CLI would merge it) that points this provider at {@code server}. */
    Map<String, String> env(ScriptedLlmServer server, GoogleTokenServer tokens, Path dir) {
        Map<String, String> env = new HashMap<>();
        switch (this) {
            case ANTHROPIC -> {
                env.put("ANTHROPIC_API_KEY", KEY);
                env.put("ANTHROPIC_BASE_URL", server.anthropicBaseUrl());
            }
            case OPENAI -> {
                env.put("OPENAI_API_KEY", KEY);
                env.put("OPENAI_BASE_URL", server.openAiBaseUrl());
                env.put("OPENAI_ORGANIZATION", "org-test");
                env.put("OPENAI_PROJECT", "proj-test");
            }
            case AZURE_OPENAI -> {
                env.put("AZURE_API_KEY", KEY);
                env.put("AZURE_BASE_URL", server.baseUrl() + "/openai");
            }
            case DEEPSEEK -> {
                env.put("DEEPSEEK_API_KEY", KEY);
                env.put("DEEPSEEK_BASE_URL", server.openAiBaseUrl());
            }
            case GOOGLE -> {
                env.put("GOOGLE_GENERATIVE_AI_API_KEY", KEY);
                env.put("GOOGLE_GENERATIVE_AI_BASE_URL", server.geminiBaseUrl());
            }
            case GOOGLE_VERTEX -> {
                env.put("GOOGLE_APPLICATION_CREDENTIALS", tokens.authorizedUserFile(dir).toString());
                env.put("GOOGLE_VERTEX_BASE_URL", server.baseUrl()
                        + "/v1/projects/proj-1/locations/us-central1/publishers/google");
            }
            case AMAZON_BEDROCK -> {
                env.put("AWS_ACCESS_KEY_ID", AWS_ID);
                env.put("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
                env.put("AWS_SESSION_TOKEN", AWS_TOKEN);
                env.put("AWS_REGION", "us-east-1");
                env.put("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.bedrockBaseUrl());
            }
            case OLLAMA -> env.put("OLLAMA_BASE_URL", server.ollamaBaseUrl());
        }
        return env;
    }

    /** {@code [provider]} with a custom header where the provider takes headers (all but Bedrock). */
    ProviderConfig config() {
        Map<String, String> headers = this == AMAZON_BEDROCK ? Map.of() : Map.of("X-Canary", HEADER_VALUE);
        return new ProviderConfig(provider, new ProviderConfig.Setting(null, headers, null, null, null, null, null,
                null, null, null));
    }

    LlmClient client(ScriptedLlmServer server, GoogleTokenServer tokens, Path dir) {
        return new Providers().create(ProviderSettings.resolve(config(), env(server, tokens, dir)), null);
    }

    /** Every credential value of this target, for leak checks. */
    List<String> secrets() {
        return switch (this) {
            case AMAZON_BEDROCK -> List.of(AWS_ID, AWS_SECRET, AWS_TOKEN);
            case GOOGLE_VERTEX -> List.of(HEADER_VALUE, GoogleTokenServer.TOKEN);
            case OLLAMA -> List.of(HEADER_VALUE);
            default -> List.of(KEY, HEADER_VALUE);
        };
    }

    /** Checks the request authenticates the way this provider does, and nothing else leaks a key. */
    void assertAuthenticated(RecordedRequest r) {
        switch (this) {
            case ANTHROPIC -> assertThat(r.header("x-api-key")).isEqualTo(KEY);
            case OPENAI -> {
                assertThat(r.header("authorization")).isEqualTo("Bearer " + KEY);
                assertThat(r.header("openai-organization")).isEqualTo("org-test");
                assertThat(r.header("openai-project")).isEqualTo("proj-test");
            }
            case DEEPSEEK -> assertThat(r.header("authorization")).isEqualTo("Bearer " + KEY);
            case AZURE_OPENAI -> {
                assertThat(r.header("api-key")).isEqualTo(KEY);
                assertThat(r.header("authorization")).isNull();
                assertThat(r.path()).isEqualTo("/openai/v1/chat/completions");
                assertThat(r.query()).contains("api-version=v1");
            }
            case GOOGLE -> {
                assertThat(r.header("x-goog-api-key")).isEqualTo(KEY);
                assertThat(r.path()).isEqualTo("/v1beta/models/" + model + ":streamGenerateContent");
            }
            case GOOGLE_VERTEX -> {
                assertThat(r.header("authorization")).isEqualTo("Bearer " + GoogleTokenServer.TOKEN);
                assertThat(r.header("x-goog-api-key")).isNull();
                assertThat(r.path()).isEqualTo("/v1/projects/proj-1/locations/us-central1/publishers/google/models/"
                        + model + ":streamGenerateContent");
            }
            case AMAZON_BEDROCK -> {
                assertThat(r.header("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + AWS_ID + "/")
                        .contains("/us-east-1/bedrock/aws4_request").contains("SignedHeaders=")
                        .contains("x-amz-security-token").doesNotContain(AWS_SECRET);
                assertThat(r.header("x-amz-security-token")).isEqualTo(AWS_TOKEN);
                assertThat(r.header("x-amz-date")).matches("\\d{8}T\\d{6}Z");
                assertThat(r.path()).isEqualTo("/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream");
            }
            case OLLAMA -> {
                assertThat(r.header("authorization")).isNull();
                assertThat(r.path()).isEqualTo("/api/chat");
            }
        }
        if (this != AMAZON_BEDROCK) {
            assertThat(r.header("x-canary")).isEqualTo(HEADER_VALUE);
        }
        assertThat(r.wire()).isEqualTo(wire);
        assertThat(r.streaming()).isTrue();
    }

    /** Checks the instruction is sent as the system prompt, with a cache marker where the provider has one. */
    void assertSystemPrompt(JsonNode body, String instruction) {
        switch (this) {
            case ANTHROPIC -> {
                JsonNode system = body.path("system");
                assertThat(system.toString()).contains(instruction);
                assertThat(system.get(system.size() - 1).path("cache_control").path("type").asText())
                        .isEqualTo("ephemeral");
            }
            case AMAZON_BEDROCK -> {
                assertThat(body.path("system").get(0).path("text").asText()).isEqualTo(instruction);
                assertThat(body.path("system").get(1).path("cachePoint").path("type").asText()).isEqualTo("default");
                assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
            }
            case GOOGLE, GOOGLE_VERTEX -> assertThat(body.path("systemInstruction").toString()).contains(instruction);
            case OPENAI, AZURE_OPENAI, DEEPSEEK, OLLAMA -> {
                JsonNode first = body.path("messages").get(0);
                assertThat(first.path("role").asText()).isEqualTo("system");
                assertThat(first.path("content").toString()).contains(instruction);
            }
        }
    }

    /** Checks the request's reasoning options for {@code budget} (docs/providers.md §4). */
    void assertReasoningOptions(JsonNode body, ReasoningBudget budget) {
        int tokens = budget.tokenCount();
        boolean on = budget.enabled();
        switch (this) {
            case ANTHROPIC -> {
                if (on) {
                    assertThat(body.path("thinking").path("type").asText()).isEqualTo("enabled");
                    assertThat(body.path("thinking").path("budget_tokens").asInt()).isEqualTo(Math.max(1024, tokens));
                    assertThat(body.path("max_tokens").asInt()).isGreaterThan(Math.max(1024, tokens));
                } else {
                    assertThat(body.path("thinking").path("type").asText("absent")).isNotEqualTo("enabled");
                }
            }
            case OPENAI -> {
                String expected = !on ? null : budget.level() != null
                        ? (budget.level().equals("minimal") ? "low" : budget.level())
                        : tokens <= 2048 ? "low" : tokens <= 5000 ? "medium" : "high";
                assertThat(body.path("reasoning_effort").textValue()).isEqualTo(expected);
            }
            case AZURE_OPENAI, DEEPSEEK -> assertThat(body.has("reasoning_effort")).isFalse();
            case GOOGLE, GOOGLE_VERTEX -> {
                JsonNode thinking = body.path("generationConfig").path("thinkingConfig");
                if (on) {
                    assertThat(thinking.path("thinkingBudget").asInt()).isEqualTo(tokens);
                    assertThat(thinking.path("includeThoughts").asBoolean()).isTrue();
                } else {
                    assertThat(thinking.isMissingNode() || thinking.isNull()).isTrue();
                }
            }
            case AMAZON_BEDROCK -> {
                JsonNode thinking = body.path("additionalModelRequestFields").path("thinking");
                if (on) {
                    assertThat(thinking.path("type").asText()).isEqualTo("enabled");
                    assertThat(thinking.path("budget_tokens").asInt()).isEqualTo(Math.max(1024, tokens));
                    assertThat(body.path("inferenceConfig").path("maxTokens").asInt())
                            .isGreaterThan(Math.max(1024, tokens));
                } else {
                    assertThat(thinking.isMissingNode()).isTrue();
                }
            }
            case OLLAMA -> assertThat(body.path("think").asBoolean(false)).isEqualTo(on);
        }
    }

    /**
     * The usage this provider must report for a reply scripted with input 100, output 20, cache read 30, cache
     * write 10 and reasoning 5 (docs/providers.md §5): cache writes are input, cache reads are cached input.
     */
    Usage expectedUsage() {
        return switch (this) {
            case ANTHROPIC, AMAZON_BEDROCK -> Usage.of(110, 30, 20, 0);
            case OPENAI, AZURE_OPENAI, DEEPSEEK, GOOGLE, GOOGLE_VERTEX -> Usage.of(110, 30, 20, 5);
            // Ollama has no cache accounting: every prompt token is input.
            case OLLAMA -> Usage.of(140, 0, 20, 0);
        };
    }

    @Override
    public String toString() {
        return provider;
    }
}
