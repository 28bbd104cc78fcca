package io.perstack.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated {@code perstack.toml}. Every optional top-level value is {@code null} when the file does
 * not set it; {@link #experts()} keeps file order.
 *
 * @param source the file it was read from, or {@code null} for a remote config
 * @param sha256 hex digest of the file bytes (for the lockfile's {@code configDigest})
 */
public record PerstackConfig(
        Path source,
        String sha256,
        String model,
        ProviderConfig provider,
        ReasoningBudget reasoningBudget,
        String runtime,
        Integer maxSteps,
        Integer maxRetries,
        Long timeout,
        List<String> envPath,
        String perstackApiBaseUrl,
        List<String> perstackBaseSkillCommand,
        Map<String, ExpertConfig> experts,
        Integer toolResultMaxBytes,
        Double maxCostUsd,
        Map<String, Price> pricing) {

    public PerstackConfig {
        envPath = envPath == null ? null : List.copyOf(envPath);
        perstackBaseSkillCommand = perstackBaseSkillCommand == null ? null : List.copyOf(perstackBaseSkillCommand);
        experts = experts == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(experts));
        pricing = pricing == null ? Map.of() : Map.copyOf(pricing);
    }

    /** USD per million tokens; {@code cachedInput} is {@code null} when it falls back to {@code input}. */
    public record Price(double input, Double cachedInput, double output) {
        public double cachedInputOrInput() {
            return cachedInput == null ? input : cachedInput;
        }
    }
}
