package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.PerstackConfig;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one run segment needs (runtime.md §2). {@code env} is the merged environment and lives in memory
 * only; {@link #toStored()} is the secret-free form written to {@code run-setting.json}.
 */
public record RunSetting(
        String model,
        ProviderConfig providerConfig,
        String jobId,
        String runId,
        String expertKey,
        RunInput input,
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
        long startedAt,
        long updatedAt,
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

    public RunSetting {
        experts = experts == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(experts));
        env = env == null ? Map.of() : Map.copyOf(env);
        extraEnvNames = extraEnvNames == null ? List.of() : List.copyOf(extraEnvNames);
        pricing = pricing == null ? Map.of() : Map.copyOf(pricing);
    }

    /** The same setting for the next run segment of the job. */
    public RunSetting forRun(String newRunId, String newExpertKey, RunInput newInput, long now) {
        return new RunSetting(model, providerConfig, jobId, newRunId, newExpertKey, newInput, experts,
                reasoningBudget, maxSteps, maxRetries, timeout, perstackApiBaseUrl, perstackApiKey,
                perstackBaseSkillCommand, env, proxyUrl, verbose, now, now, runtime, workspace, extraEnvNames,
                maxCostUsd, toolResultMaxBytes, pricing);
    }

    public RunSetting withJobId(String id) {
        return new RunSetting(model, providerConfig, id, runId, expertKey, input, experts, reasoningBudget, maxSteps,
                maxRetries, timeout, perstackApiBaseUrl, perstackApiKey, perstackBaseSkillCommand, env, proxyUrl,
                verbose, startedAt, updatedAt, runtime, workspace, extraEnvNames, maxCostUsd, toolResultMaxBytes,
                pricing);
    }

    /** The stored form of storage.md §6: no credential, header value or environment value. */
    public Stored toStored(long now) {
        ProviderConfig.Setting s = providerConfig.setting();
        StoredProvider provider = new StoredProvider(providerConfig.providerName(), s.baseUrl(), s.organization(),
                s.project(), s.name(), s.resourceName(), s.apiVersion(), s.useDeploymentBasedUrls(), s.region(),
                s.location(), s.headers().isEmpty() ? null : s.headers().keySet().stream().sorted().toList());
        return new Stored(model, provider, jobId, runId, expertKey, input, experts, reasoningBudget.toString(),
                maxSteps, maxRetries, timeout, perstackApiBaseUrl, perstackBaseSkillCommand,
                extraEnvNames.stream().sorted().toList(), redactUserInfo(proxyUrl), verbose, startedAt, now, runtime,
                workspace == null ? null : workspace.toString(), maxCostUsd, toolResultMaxBytes);
    }

    static String redactUserInfo(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        int at = url.indexOf('@');
        if (scheme < 0 || at < 0 || at < scheme) {
            return url;
        }
        return url.substring(0, scheme + 3) + "[REDACTED]" + url.substring(at);
    }

    public record StoredProvider(String providerName, String baseUrl, String organization, String project,
                                 String name, String resourceName, String apiVersion, Boolean useDeploymentBasedUrls,
                                 String region, String location, List<String> headerNames) {}

    public record Stored(String model, StoredProvider providerConfig, String jobId, String runId, String expertKey,
                         RunInput input, Map<String, ExpertConfig> experts, String reasoningBudget, int maxSteps,
                         int maxRetries, long timeout, String perstackApiBaseUrl,
                         List<String> perstackBaseSkillCommand, List<String> envNames, String proxyUrl,
                         boolean verbose, long startedAt, long updatedAt, String runtime, String workspace,
                         Double maxCostUsd, int toolResultMaxBytes) {}
}
