package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.PerstackConfig;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ReasoningBudget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One run segment of a job (docs/runtime.md §2): the job-wide {@link JobSettings} and this segment's {@link RunSpec}.
 * {@link #toStored(long)} is the secret-free form written to {@code run-setting.json} (docs/storage.md §6).
 */
public record RunSetting(JobSettings job, RunSpec run) {

    public RunSetting {
        java.util.Objects.requireNonNull(job, "job");
        java.util.Objects.requireNonNull(run, "run");
    }

    /**
     * A setting for embedding applications: the defaults of docs/runtime.md §2 ({@code claude-sonnet-4-5} on Anthropic,
     * reasoning {@code low}, 100 steps, 5 retries, 300000 ms, the {@code sandbox} runtime, the current directory as
     * workspace), a fresh job id and a fresh run id. The Expert key, the input and the Experts are required.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RunSetting}; the run id is always generated (it is never user-settable). */
    public static final class Builder {
        private String model = "claude-sonnet-4-5";
        private ProviderConfig providerConfig = ProviderConfig.DEFAULT;
        private String jobId = io.perstack.core.id.Ids.next();
        private String expertKey;
        private RunInput input;
        private Map<String, ExpertConfig> experts;
        private ReasoningBudget reasoningBudget = ReasoningBudget.LOW;
        private int maxSteps = JobSettings.DEFAULT_MAX_STEPS;
        private int maxRetries = JobSettings.DEFAULT_MAX_RETRIES;
        private long timeout = JobSettings.DEFAULT_TIMEOUT;
        private String perstackApiBaseUrl = "https://api.perstack.ai";
        private String perstackApiKey;
        private List<String> perstackBaseSkillCommand;
        private Map<String, String> env = Map.of();
        private String proxyUrl;
        private boolean verbose;
        private String runtime = io.perstack.core.config.RuntimeKind.SANDBOX.wireName();
        private Path workspace = Path.of("");
        private List<String> extraEnvNames = List.of();
        private Double maxCostUsd;
        private int toolResultMaxBytes = JobSettings.DEFAULT_TOOL_RESULT_MAX_BYTES;
        private Map<String, PerstackConfig.Price> pricing = Map.of();

        private Builder() {}

        /** Model, provider, reasoning budget, limits, Experts and pricing as a loaded {@code perstack.toml} sets them. */
        public Builder config(PerstackConfig config) {
            if (config.model() != null) {
                model = config.model();
            }
            if (config.provider() != null) {
                providerConfig = config.provider();
            }
            if (config.reasoningBudget() != null) {
                reasoningBudget = config.reasoningBudget();
            }
            if (config.maxSteps() != null) {
                maxSteps = config.maxSteps();
            }
            if (config.maxRetries() != null) {
                maxRetries = config.maxRetries();
            }
            if (config.timeout() != null) {
                timeout = config.timeout();
            }
            if (config.runtime() != null) {
                runtime = config.runtime();
            }
            if (config.perstackApiBaseUrl() != null) {
                perstackApiBaseUrl = config.perstackApiBaseUrl();
            }
            if (config.toolResultMaxBytes() != null) {
                toolResultMaxBytes = config.toolResultMaxBytes();
            }
            perstackBaseSkillCommand = config.perstackBaseSkillCommand();
            maxCostUsd = config.maxCostUsd();
            experts = config.experts();
            pricing = config.pricing();
            return this;
        }

        public Builder model(String v) { model = v; return this; }
        public Builder providerConfig(ProviderConfig v) { providerConfig = v; return this; }
        /** Continuing a job: pass the job id of the checkpoint given to {@link Perstack#run}. */
        public Builder jobId(String v) { jobId = v; return this; }
        public Builder expertKey(String v) { expertKey = v; return this; }
        public Builder input(RunInput v) { input = v; return this; }
        public Builder experts(Map<String, ExpertConfig> v) { experts = v; return this; }
        public Builder reasoningBudget(ReasoningBudget v) { reasoningBudget = v; return this; }
        public Builder maxSteps(int v) { maxSteps = v; return this; }
        public Builder maxRetries(int v) { maxRetries = v; return this; }
        public Builder timeout(long v) { timeout = v; return this; }
        public Builder perstackApiKey(String v) { perstackApiKey = v; return this; }
        /** The environment credentials and {@code requiredEnv} values are read from (kept in memory only). */
        public Builder env(Map<String, String> v) { env = v; return this; }
        public Builder proxyUrl(String v) { proxyUrl = v; return this; }
        public Builder verbose(boolean v) { verbose = v; return this; }
        /** {@code sandbox} (default), {@code docker} or {@code local} (no isolation). */
        public Builder runtime(String v) { runtime = v; return this; }
        public Builder workspace(Path v) { workspace = v; return this; }
        public Builder extraEnvNames(List<String> v) { extraEnvNames = v; return this; }
        public Builder maxCostUsd(Double v) { maxCostUsd = v; return this; }
        public Builder toolResultMaxBytes(int v) { toolResultMaxBytes = v; return this; }

        public RunSetting build() {
            if (expertKey == null || input == null || experts == null) {
                throw new IllegalStateException("expertKey, input and experts are required");
            }
            JobSettings job = new JobSettings(model, providerConfig, experts, reasoningBudget, maxSteps, maxRetries,
                    timeout, perstackApiBaseUrl, perstackApiKey, perstackBaseSkillCommand, env, proxyUrl, verbose,
                    runtime, workspace.toAbsolutePath().normalize(), extraEnvNames, maxCostUsd, toolResultMaxBytes,
                    pricing);
            return new RunSetting(job, new RunSpec(jobId, io.perstack.core.id.Ids.next(), expertKey, input,
                    System.currentTimeMillis()));
        }
    }

    /** The stored form of docs/storage.md §6: no credential, header value or environment value. */
    public Stored toStored(long now) {
        ProviderConfig.Setting s = job.providerConfig().setting();
        List<String> headerNames = s.headers().isEmpty() ? null : s.headers().keySet().stream().sorted().toList();
        StoredProvider provider = new StoredProvider(job.providerConfig().providerName(), s.baseUrl(),
                s.organization(), s.project(), s.name(), s.resourceName(), s.apiVersion(), s.useDeploymentBasedUrls(),
                s.region(), s.location(), headerNames);
        return new Stored(job.model(), provider, run.jobId(), run.runId(), run.expertKey(), run.input(),
                job.experts(), job.reasoningBudget().toString(), job.maxSteps(), job.maxRetries(), job.timeout(),
                job.perstackApiBaseUrl(), job.perstackBaseSkillCommand(),
                job.extraEnvNames().stream().sorted().toList(), redactUserInfo(job.proxyUrl()), job.verbose(),
                run.startedAt(), now, job.runtime(),
                job.workspace() == null ? null : job.workspace().toString(), job.maxCostUsd(),
                job.toolResultMaxBytes());
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
