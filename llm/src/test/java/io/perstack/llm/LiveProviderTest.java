package io.perstack.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.id.Ids;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart.TextPart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Optional live checks (docs/testing.md §6): each runs only when its provider's credentials are in the environment,
 * so CI and developer machines without keys skip them all. They cost real tokens; keep them few and small.
 */
class LiveProviderTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static GenerationResult generate(String provider, String model, ReasoningBudget budget,
                                             List<String> reasoningDeltas) {
        LlmClient client = new Providers().create(ProviderSettings.resolve(new ProviderConfig(provider, null),
                System.getenv()), System.getenv("PERSTACK_PROXY_URL"));
        List<Message> messages = List.of(
                new Message.InstructionMessage(Ids.next(), List.of(new TextPart(Ids.next(),
                        "You are a terse assistant.")), true),
                new Message.UserMessage(Ids.next(), List.of(new TextPart(Ids.next(),
                        "A train leaves at 9:40 and arrives at 11:15. How many minutes is the trip? Answer with "
                                + "the number only.")), null));
        GenerationOutcome outcome = client.generate(new GenerationRequest(model, messages, List.of(), budget,
                TIMEOUT), new GenerationListener() {
                    @Override
                    public void reasoningDelta(String delta) {
                        reasoningDeltas.add(delta);
                    }
                });
        assertThat(outcome).as("%s %s", provider, model).isInstanceOf(GenerationOutcome.Generated.class);
        GenerationResult result = ((GenerationOutcome.Generated) outcome).result();
        assertThat(result.text()).contains("95");
        assertThat(result.usage().inputTokens() + result.usage().cachedInputTokens()).isPositive();
        return result;
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "ANTHROPIC_API_KEY", matches = ".+")
    void anthropicAnswersAndThinksAtEveryLevel() {
        generate("anthropic", "claude-haiku-4-5", ReasoningBudget.parse("none"), new ArrayList<>());
        for (String level : List.of("minimal", "medium", "high")) {
            List<String> deltas = new ArrayList<>();
            GenerationResult r = generate("anthropic", "claude-sonnet-4-5", ReasoningBudget.parse(level), deltas);
            assertThat(r.thinking()).as(level).isNotEmpty();
            assertThat(r.thinking().getFirst().signature()).as(level).isNotBlank();
            assertThat(deltas).as(level).isNotEmpty();
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "OPENAI_API_KEY", matches = ".+")
    void openAiAnswersAndReasoningModelsReportReasoningTokens() {
        generate("openai", "gpt-4.1", ReasoningBudget.LOW, new ArrayList<>());
        GenerationResult r = generate("openai", "o3-mini", ReasoningBudget.parse("medium"), new ArrayList<>());
        assertThat(r.usage().reasoningTokens()).isPositive();
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "GOOGLE_GENERATIVE_AI_API_KEY", matches = ".+")
    void geminiAnswersAndReportsReasoningTokens() {
        GenerationResult r = generate("google", "gemini-2.5-flash", ReasoningBudget.parse("medium"),
                new ArrayList<>());
        assertThat(r.usage().reasoningTokens()).isPositive();
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "DEEPSEEK_API_KEY", matches = ".+")
    void deepSeekReasonerStreamsItsReasoning() {
        List<String> deltas = new ArrayList<>();
        generate("deepseek", "deepseek-reasoner", ReasoningBudget.LOW, deltas);
        assertThat(deltas).isNotEmpty();
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "PERSTACK_LIVE_AZURE_DEPLOYMENT", matches = ".+")
    void azureDeploymentAnswers() {
        generate("azure-openai", System.getenv("PERSTACK_LIVE_AZURE_DEPLOYMENT"), ReasoningBudget.LOW,
                new ArrayList<>());
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "PERSTACK_LIVE_BEDROCK_MODEL", matches = ".+")
    void bedrockModelAnswers() {
        generate("amazon-bedrock", System.getenv("PERSTACK_LIVE_BEDROCK_MODEL"), ReasoningBudget.LOW,
                new ArrayList<>());
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "GOOGLE_VERTEX_PROJECT", matches = ".+")
    void vertexAnswers() {
        generate("google-vertex", "gemini-2.5-flash", ReasoningBudget.LOW, new ArrayList<>());
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "PERSTACK_LIVE_OLLAMA_MODEL", matches = ".+")
    void ollamaModelAnswers() {
        generate("ollama", System.getenv("PERSTACK_LIVE_OLLAMA_MODEL"), ReasoningBudget.LOW, new ArrayList<>());
    }
}
