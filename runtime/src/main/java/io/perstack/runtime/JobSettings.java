package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.PerstackConfig;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What stays the same for every run of one job (docs/runtime.md §2): model and provider, the Experts, limits, the
 * isolation backend and workspace, pricing. {@code env} and {@code perstackApiKey} carry secrets and live in memory
 * only; {@link RunSetting#toStored} leaves them out.
 */
public record JobSettings(
        String model,
        ProviderConfig providerConfig,
        Map<String, ExpertConfig> experts,
        ReasoningBudget reasoningBudget,
        int maxSteps,
        int maxRetries,
        long timeout,
        String perstackApiBaseUrl,
        String perstackApiKey,
        List<String> perstackBaseSkillCommand,
        Map<String, String> env,
        String proxyUrl,
        boolean verbose,
        String runtime,
        Path workspace,
        List<String> extraEnvNames,
        Double maxCostUsd,
        int toolResultMaxBytes,
        Map<String, PerstackConfig.Price> pricing) {

    public static final int DEFAULT_MAX_STEPS = 100;
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final long DEFAULT_TIMEOUT = 300_000;
    public static final int DEFAULT_TOOL_RESULT_MAX_BYTES = 262_144;

    public JobSettings {
        // Insertion order kept: initializeRuntime lists the Experts in declaration order.
        experts = experts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(experts));
        env = env == null ? Map.of() : Map.copyOf(env);
        extraEnvNames = extraEnvNames == null ? List.of() : List.copyOf(extraEnvNames);
        pricing = pricing == null ? Map.of() : Map.copyOf(pricing);
    }
}
