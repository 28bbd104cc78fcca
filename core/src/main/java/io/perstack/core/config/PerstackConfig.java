package io.perstack.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated {@code perstack.toml}. Every optional top-level value is {@code null} when the file does
 * not set it, so the CLI can apply flag &gt; file &gt; default; {@link #experts()} keeps file order. The runtime default
 * ({@code runtime}) depends on the platform (docs/isolation.md §2) and has no constant here.
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
        Map<String, Price> pricing,
        Boolean requireLimits) {

    public static final String DEFAULT_MODEL = "claude-sonnet-4-5";
    public static final int DEFAULT_MAX_STEPS = 100;
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final long DEFAULT_TIMEOUT_MS = 300_000L;
    public static final List<String> DEFAULT_ENV_PATH = List.of(".env", ".env.local");
    public static final String DEFAULT_PERSTACK_API_BASE_URL = "https://api.perstack.ai";
    public static final int DEFAULT_TOOL_RESULT_MAX_BYTES = 262_144;

    public PerstackConfig {
        envPath = envPath == null ? null : List.copyOf(envPath);
        perstackBaseSkillCommand = perstackBaseSkillCommand == null ? null : List.copyOf(perstackBaseSkillCommand);
        experts = experts == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(experts));
        pricing = pricing == null ? Map.of() : Map.copyOf(pricing);
    }

    // The "OrDefault" views give the file-or-default value; CLI flags still take precedence over them.

    public String modelOrDefault() {
        return model != null ? model : DEFAULT_MODEL;
    }

    public ProviderConfig providerOrDefault() {
        return provider != null ? provider : ProviderConfig.DEFAULT;
    }

    public ReasoningBudget reasoningBudgetOrDefault() {
        return reasoningBudget != null ? reasoningBudget : ReasoningBudget.LOW;
    }

    public int maxStepsOrDefault() {
        return maxSteps != null ? maxSteps : DEFAULT_MAX_STEPS;
    }

    public int maxRetriesOrDefault() {
        return maxRetries != null ? maxRetries : DEFAULT_MAX_RETRIES;
    }

    public long timeoutOrDefault() {
        return timeout != null ? timeout : DEFAULT_TIMEOUT_MS;
    }

    public List<String> envPathOrDefault() {
        return envPath != null ? envPath : DEFAULT_ENV_PATH;
    }

    public String perstackApiBaseUrlOrDefault() {
        return perstackApiBaseUrl != null ? perstackApiBaseUrl : DEFAULT_PERSTACK_API_BASE_URL;
    }

    public int toolResultMaxBytesOrDefault() {
        return toolResultMaxBytes != null ? toolResultMaxBytes : DEFAULT_TOOL_RESULT_MAX_BYTES;
    }

    /** USD per million tokens; {@code cachedInput} is {@code null} when it falls back to {@code input}. */
    public record Price(double input, Double cachedInput, double output) {
        public double cachedInputOrInput() {
            return cachedInput == null ? input : cachedInput;
        }
    }
}
