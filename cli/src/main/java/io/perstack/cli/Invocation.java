package io.perstack.cli;

import io.perstack.cli.text.CloseMatches;
import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.PerstackConfig;
import io.perstack.core.config.ProviderConfig;
import io.perstack.core.config.ProviderKind;
import io.perstack.core.config.RuntimeKind;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.id.Ids;
import io.perstack.core.model.Checkpoint;
import io.perstack.llm.ModelCatalog;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.ProviderSetupException;
import io.perstack.llm.Providers;
import io.perstack.runtime.JobSettings;
import io.perstack.runtime.Perstack;
import io.perstack.runtime.RunInput;
import io.perstack.core.policy.TerminalText;
import io.perstack.runtime.RunListener;
import io.perstack.runtime.RunOptions;
import io.perstack.runtime.RunSetting;
import io.perstack.runtime.RunSpec;
import io.perstack.runtime.event.JsonLinesWriter;
import io.perstack.runtime.loop.RunControl;
import io.perstack.runtime.storage.FileStorage;
import io.perstack.runtime.storage.Storage;
import io.perstack.sandbox.RuntimeSelection;
import io.perstack.skills.lock.LockedRun;
import io.perstack.skills.lock.Lockfile;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code run}/{@code start} invocation turned into a run setting: flags &gt; {@code perstack.toml} &gt;
 * defaults, the merged environment, the selected checkpoint, and every check that must fail before anything runs.
 */
final class Invocation {
    private final RunSetting setting;
    private final Checkpoint checkpoint;
    private final Storage storage;
    private final Path storageRoot;
    private final List<Path> loadedEnvFiles;
    private final ProviderSettings provider;
    private final Providers providers;
    private final LockedRun locked;
    private final List<Path> startupFiles;
    private final boolean requireLimits;
    private final RunNarration narration;
    private final AtomicInteger signalExit = new AtomicInteger();

    private Invocation(RunSetting setting, Checkpoint checkpoint, Storage storage, Path storageRoot,
                       List<Path> loadedEnvFiles, ProviderSettings provider, Providers providers, LockedRun locked,
                       List<Path> startupFiles, boolean requireLimits, RunNarration narration) {
        this.setting = setting;
        this.checkpoint = checkpoint;
        this.storage = storage;
        this.storageRoot = storageRoot;
        this.loadedEnvFiles = loadedEnvFiles;
        this.provider = provider;
        this.providers = providers;
        this.locked = locked;
        this.startupFiles = startupFiles;
        this.requireLimits = requireLimits;
        this.narration = narration;
    }

    /** {@code providers} owns the provider clients (and their connections) of this and later invocations. */
    static Invocation prepare(String expertKey, String query, RunFlags f, Providers providers) {
        RunCommand.ArgumentProblems problems = new RunCommand.ArgumentProblems();
        if (f.provider != null && ProviderKind.byName(f.provider).isEmpty()) {
            problems.add("provider", "Invalid provider \"" + f.provider + "\". Expected one of: "
                    + String.join(", ", ProviderKind.names()));
        }
        if (f.runtime != null && !RuntimeSelection.isKnownName(f.runtime)) {
            problems.add("runtime", "Invalid runtime \"" + f.runtime + "\". Expected one of: "
                    + RuntimeKind.offered());
        }
        if (f.jobId != null && !Ids.isValid(f.jobId)) {
            throw new UserError("Invalid job id: " + f.jobId);
        }
        if (f.continueJob != null && !Ids.isValid(f.continueJob)) {
            throw new UserError("Invalid job id: " + f.continueJob);
        }
        if (f.resumeFrom != null && !Ids.isValid(f.resumeFrom)) {
            throw new UserError("Invalid checkpoint id: " + f.resumeFrom);
        }
        PerstackConfig flags = FlagValues.bind(f, problems);
        problems.throwIfAny();
        if (f.resumeFrom != null && f.continueJob == null) {
            throw new UserError("--resume-from requires --continue-job");
        }

        Path cwd = Path.of("").toAbsolutePath();
        PerstackConfig config = ConfigSource.load(f.config, cwd);
        ConfigSource.Environment environment = ConfigSource.environment(config, f.envPath, cwd);
        Map<String, String> env = environment.merged();

        String runtime = selectRuntime(f.runtime != null ? f.runtime : config.runtime());
        Path workspace = workspace(f.workspace, cwd);

        ProviderConfig providerConfig = config.provider() == null ? ProviderConfig.DEFAULT : config.provider();
        if (f.provider != null) {
            providerConfig = new ProviderConfig(f.provider, f.provider.equals(providerConfig.providerName())
                    ? providerConfig.setting() : ProviderConfig.Setting.EMPTY);
        }
        String model = f.model != null ? f.model : config.model() != null ? config.model() : "claude-sonnet-4-5";
        ReasoningBudget budget = firstNonNull(flags.reasoningBudget(), config.reasoningBudget(), ReasoningBudget.LOW);
        int maxSteps = firstNonNull(flags.maxSteps(), config.maxSteps(), JobSettings.DEFAULT_MAX_STEPS);
        int maxRetries = firstNonNull(flags.maxRetries(), config.maxRetries(), JobSettings.DEFAULT_MAX_RETRIES);
        long timeout = firstNonNull(flags.timeout(), config.timeout(), JobSettings.DEFAULT_TIMEOUT);
        Double maxCost = flags.maxCostUsd() != null ? flags.maxCostUsd() : config.maxCostUsd();
        int resultCap = config.toolResultMaxBytes() != null ? config.toolResultMaxBytes()
                : JobSettings.DEFAULT_TOOL_RESULT_MAX_BYTES;

        ProviderSettings provider;
        try {
            provider = ProviderSettings.resolve(providerConfig, env);
        } catch (ProviderSetupException e) {
            throw new UserError(e.getMessage());
        }
        if (maxCost != null && ModelCatalog.price(providerConfig.providerName(), model, config.pricing()) == null) {
            throw new UserError("No price known for model " + model + "; add [pricing.\"" + model
                    + "\"] to perstack.toml or remove the budget");
        }
        for (String name : f.env) {
            String value = env.get(name);
            if (ConfigSource.isProtected(name)) {
                throw new UserError("Environment variable " + name
                        + " is protected and cannot be passed with --env");
            }
            if (value == null || value.isEmpty()) {
                throw new UserError("Environment variable " + name + " is not set");
            }
        }

        Path storageRoot = storageRoot(cwd, System.getenv("PERSTACK_STORAGE_PATH"));
        Storage storage = new FileStorage(storageRoot);
        CheckpointSelection.Selected selected = CheckpointSelection.select(storage, storageRoot, f, expertKey,
                query);

        LockedRun locked = lock(f.config, config, cwd);
        Map<String, ExpertConfig> experts = new java.util.LinkedHashMap<>(locked.registryExperts());
        experts.putAll(config.experts());
        if (!experts.containsKey(expertKey)) {
            String where = config.source() == null ? "perstack.toml" : config.source().toString();
            List<String> keys = List.copyOf(experts.keySet());
            throw new UserError("Expert \"" + expertKey + "\" not found in " + where + "."
                    + CloseMatches.sentence(expertKey, keys) + (keys.isEmpty() ? " It defines no Experts."
                    : " Experts there: " + String.join(", ", keys.subList(0, Math.min(10, keys.size())))
                    + (keys.size() > 10 ? ", …" : "") + "."));
        }
        String jobId = selected.checkpoint() != null ? selected.checkpoint().jobId()
                : f.jobId != null ? f.jobId : Ids.next();
        JobSettings job = new JobSettings(model, providerConfig, experts, budget, maxSteps, maxRetries, timeout,
                config.perstackApiBaseUrl() != null ? config.perstackApiBaseUrl() : "https://api.perstack.ai",
                env.get("PERSTACK_API_KEY"), config.perstackBaseSkillCommand(), env,
                System.getenv("PERSTACK_PROXY_URL"), f.verbose, runtime, workspace, List.copyOf(f.env), maxCost,
                resultCap, config.pricing());
        RunSetting setting = new RunSetting(job, new RunSpec(jobId, Ids.next(), expertKey, selected.input(),
                System.currentTimeMillis()));
        // Everything checked: the provider's TLS handshake can run while the job starts its skills.
        providers.preconnect(provider, job.proxyUrl());
        List<Path> startup = startupFiles(cwd, config, f.envPath);
        // Before anything starts: a file a sandbox could not touch may still have changed since the last job.
        StartupFileDigests.changes(storageRoot, selected.checkpoint() != null ? jobId : null, startup)
                .forEach(System.err::println);
        return new Invocation(setting, selected.checkpoint(), storage, storageRoot, environment.loadedFiles(),
                provider, providers, locked, startup, f.requireLimits || Boolean.TRUE.equals(config.requireLimits()),
                new RunNarration(new RunNarration.Context(expertKey, provider.kind(),
                        RunNarration.endpoint(provider.baseUrl()), carriedFlags(f)), System.err));
    }

    /** The flags a continuation of this job must repeat to find the same configuration and runtime. */
    private static List<String> carriedFlags(RunFlags f) {
        List<String> carried = new ArrayList<>();
        if (f.config != null) {
            carried.addAll(List.of("--config", f.config));
        }
        f.envPath.forEach(p -> carried.addAll(List.of("--env-path", p)));
        if (f.runtime != null) {
            carried.addAll(List.of("--runtime", f.runtime));
        }
        if (f.workspace != null) {
            carried.addAll(List.of("--workspace", f.workspace));
        }
        return carried;
    }

    /**
     * The lock of docs/skills.md §8: next to a local {@code --config}, else the first {@code perstack.lock} upward from
     * the current directory; none for a remote config. An unusable lock is ignored with a warning; a registry entry
     * that fails its digest stops the command.
     */
    static LockedRun lock(String configFlag, PerstackConfig config, Path cwd) {
        LockedRun none = new LockedRun(Map.of(), Map.of());
        if (config.source() == null) {
            return none;
        }
        Path file = null;
        if (configFlag != null) {
            file = config.source().toAbsolutePath().getParent().resolve(Lockfile.FILE_NAME);
        } else {
            for (Path dir = cwd; dir != null && file == null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(Lockfile.FILE_NAME))) {
                    file = dir.resolve(Lockfile.FILE_NAME);
                }
            }
        }
        if (file == null || !Files.isRegularFile(file)) {
            return none;
        }
        try {
            return LockedRun.of(Lockfile.read(file), "sha256:" + config.sha256(), config.experts(),
                    line -> System.err.println(TerminalText.visible(line)));
        } catch (Lockfile.Invalid e) {
            System.err.println("Ignoring perstack.lock: " + TerminalText.visible(e.getMessage()));
            return none;
        } catch (LockedRun.DigestMismatch e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * Every file a later run in this directory would read when it starts, whether or not it exists now: the config
     * and lock found by the upward search, the given config and the lock beside it, and the env files by default
     * and as configured. No sandbox of this job may write or create any of them (docs/sandbox.md §4).
     */
    static List<Path> startupFiles(Path cwd, PerstackConfig config, List<String> envPathFlags) {
        List<Path> files = new ArrayList<>();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            files.add(dir.resolve(io.perstack.core.config.PerstackToml.FILE_NAME));
            files.add(dir.resolve(Lockfile.FILE_NAME));
        }
        if (config.source() != null) {
            Path source = config.source().toAbsolutePath().normalize();
            files.add(source);
            files.add(source.resolveSibling(Lockfile.FILE_NAME));
        }
        List<String> names = new ArrayList<>(List.of(".env", ".env.local"));
        names.addAll(envPathFlags == null ? List.of() : envPathFlags);
        names.addAll(config.envPath() == null ? List.of() : config.envPath());
        for (String name : names) {
            files.add(cwd.resolve(name).normalize());
        }
        return List.copyOf(new java.util.LinkedHashSet<>(files));
    }

    /** Runs the job, printing events as JSON lines; SIGINT/SIGTERM cancel it and set the exit code. */
    Checkpoint run(OutputStream stdout) {
        return run(new JsonLinesWriter(stdout));
    }

    /** Runs the job with {@code listener} receiving every event; SIGINT/SIGTERM cancel it and set the exit code. */
    Checkpoint run(RunListener listener) {
        RunControl control = new RunControl(null);
        Signals.onInterrupt(code -> {
            signalExit.compareAndSet(0, code);
            control.cancel();
        });
        // On a terminal the live view tells the person; the narration speaks only beside the JSON stream.
        List<RunListener> listeners = listener instanceof JsonLinesWriter ? List.of(listener, narration)
                : List.of(listener);
        RunOptions options = new RunOptions(storage, listeners, control,
                s -> providers.create(provider, s.proxyUrl()), loadedEnvFiles, storageRoot, locked::toolsFor,
                startupFiles, requireLimits, locked.npmPackages());
        try {
            return Perstack.run(setting, checkpoint, options);
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            StartupFileDigests.record(storageRoot, setting.run().jobId(), startupFiles);
        }
    }

    /** The job this invocation runs (a new one, or the continued one). */
    String jobId() {
        return setting.run().jobId();
    }

    /** The human lines of this invocation on stderr. */
    RunNarration narration() {
        return narration;
    }

    /** The model's price for cost estimates, or {@code null} when neither the catalog nor perstack.toml knows it. */
    PerstackConfig.Price price() {
        JobSettings job = setting.job();
        return ModelCatalog.price(job.providerConfig().providerName(), job.model(), job.pricing());
    }

    int signalExitCode() {
        return signalExit.get();
    }

    static String selectRuntime(String requested) {
        try {
            String runtime = RuntimeSelection.select(requested, System.getenv("PATH"));
            if (RuntimeKind.LOCAL.is(runtime)) {
                System.err.println("Warning: runtime \"local\" runs skills and exec without isolation.");
            }
            return runtime;
        } catch (RuntimeSelection.UnavailableRuntime e) {
            throw new UserError(e.getMessage());
        }
    }

    private static Path workspace(String flag, Path cwd) {
        Path ws = flag == null ? cwd : cwd.resolve(flag);
        if (!Files.isDirectory(ws)) {
            throw new UserError("Workspace " + ws + " is not a directory");
        }
        try {
            return ws.toRealPath();
        } catch (java.io.IOException e) {
            throw new UserError("Workspace " + ws + " is not accessible: " + e.getMessage());
        }
    }

    static Path storageRoot(Path cwd, String fromEnv) {
        return fromEnv == null || fromEnv.isBlank() ? cwd.resolve("perstack") : cwd.resolve(fromEnv);
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static List<String> copy(List<String> in) {
        return in == null ? List.of() : new ArrayList<>(in);
    }
}
