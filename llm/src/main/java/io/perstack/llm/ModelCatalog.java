package io.perstack.llm;

import io.perstack.core.config.PerstackConfig.Price;
import java.util.HashMap;
import java.util.Map;

/**
 * Known models: context windows (docs/providers.md §7) and list prices in USD per million tokens (§8), looked up by
 * (provider, exact model id). Prices are estimates taken on {@link #PRICES_TAKEN}.
 */
public final class ModelCatalog {
    public static final String PRICES_TAKEN = "2025-11-01";

    private record Entry(long contextWindow, Price price) {}

    // Filled once here and then immutable: no static mutable state.
    private static final Map<String, Entry> MODELS;

    static {
        Map<String, Entry> models = new HashMap<>();
        model(models, "anthropic", "claude-opus-4-5", 200_000, 5, 0.5, 25);
        model(models, "anthropic", "claude-opus-4-1", 200_000, 15, 1.5, 75);
        model(models, "anthropic", "claude-opus-4-20250514", 200_000, 15, 1.5, 75);
        model(models, "anthropic", "claude-sonnet-4-5", 200_000, 3, 0.3, 15);
        model(models, "anthropic", "claude-sonnet-4-20250514", 200_000, 3, 0.3, 15);
        model(models, "anthropic", "claude-3-7-sonnet-20250219", 200_000, 3, 0.3, 15);
        model(models, "anthropic", "claude-haiku-4-5", 200_000, 1, 0.1, 5);
        model(models, "anthropic", "claude-3-5-haiku-latest", 200_000, 0.8, 0.08, 4);
        model(models, "google", "gemini-3-pro-preview", 1_048_576, 2, 0.2, 12);
        model(models, "google", "gemini-2.5-pro", 1_048_576, 1.25, 0.125, 10);
        model(models, "google", "gemini-2.5-flash", 1_048_576, 0.3, 0.03, 2.5);
        model(models, "google", "gemini-2.5-flash-lite", 1_048_576, 0.1, 0.01, 0.4);
        model(models, "openai", "gpt-5", 400_000, 1.25, 0.125, 10);
        model(models, "openai", "gpt-5-mini", 400_000, 0.25, 0.025, 2);
        model(models, "openai", "gpt-5-nano", 400_000, 0.05, 0.005, 0.4);
        model(models, "openai", "gpt-5-chat-latest", 128_000, 1.25, 0.125, 10);
        model(models, "openai", "o4-mini", 200_000, 1.1, 0.275, 4.4);
        model(models, "openai", "o3", 200_000, 2, 0.5, 8);
        model(models, "openai", "o3-mini", 200_000, 1.1, 0.55, 4.4);
        model(models, "openai", "gpt-4.1", 1_047_576, 2, 0.5, 8);
        model(models, "deepseek", "deepseek-chat", 128_000, 0.28, 0.028, 0.42);
        model(models, "deepseek", "deepseek-reasoner", 128_000, 0.28, 0.028, 0.42);
        model(models, "ollama", "gpt-oss:20b", 131_072, 0, 0, 0);
        model(models, "ollama", "gpt-oss:120b", 131_072, 0, 0, 0);
        model(models, "ollama", "gemma3:1b", 32_000, 0, 0, 0);
        model(models, "ollama", "gemma3:4b", 128_000, 0, 0, 0);
        model(models, "ollama", "gemma3:12b", 128_000, 0, 0, 0);
        model(models, "ollama", "gemma3:27b", 128_000, 0, 0, 0);
        MODELS = Map.copyOf(models);
    }

    private ModelCatalog() {}

    private static void model(Map<String, Entry> models, String provider, String id, long window, double input,
            double cached, double output) {
        models.put(provider + "\u0000" + id, new Entry(window, new Price(input, cached, output)));
        if (provider.equals("google")) {
            // Vertex serves the same Gemini models with the same windows and list prices.
            models.put("google-vertex\u0000" + id, new Entry(window, new Price(input, cached, output)));
        }
    }

    /** The context window, or {@code null} for an unknown model. */
    public static Long contextWindow(String provider, String model) {
        Entry e = MODELS.get(provider + "\u0000" + model);
        return e == null ? null : e.contextWindow();
    }

    /**
     * The price of a model: a {@code [pricing]} override by model id first, then the built-in table; {@code null}
     * when neither knows it.
     */
    public static Price price(String provider, String model, Map<String, Price> overrides) {
        Price override = overrides.get(model);
        if (override != null) {
            return override;
        }
        Entry e = MODELS.get(provider + "\u0000" + model);
        return e == null ? null : e.price();
    }
}
