package io.perstack.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
    @Test
    void vertexKnowsTheGeminiModelsOfTheGeminiApi() {
        assertThat(ModelCatalog.contextWindow("google-vertex", "gemini-2.5-pro")).isEqualTo(1_048_576L);
        assertThat(ModelCatalog.price("google-vertex", "gemini-2.5-flash", Map.of()))
                .isEqualTo(ModelCatalog.price("google", "gemini-2.5-flash", Map.of()));
    }

    @Test
    void lookupIsByProviderAndExactModelId() {
        assertThat(ModelCatalog.contextWindow("anthropic", "claude-sonnet-4-5")).isEqualTo(200_000L);
        assertThat(ModelCatalog.contextWindow("azure-openai", "gpt-5")).isNull();
        assertThat(ModelCatalog.contextWindow("openai", "gpt-5-2025-08-07")).isNull();
    }
}
