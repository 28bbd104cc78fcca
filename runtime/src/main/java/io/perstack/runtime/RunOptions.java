package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.llm.LlmClient;
import io.perstack.llm.ProviderSettings;
import io.perstack.llm.Providers;
import io.perstack.runtime.loop.RunControl;
import io.perstack.runtime.storage.FileStorage;
import io.perstack.runtime.storage.Storage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How a job is run besides its setting: where history goes, who listens, how it can be stopped, and which
 * provider client generates.
 *
 * @param storage        history storage (the CLI uses the filesystem storage)
 * @param listeners      receive every event in emission order
 * @param control        cancellation and the optional continue hook
 * @param llm            creates the provider client for a job's settings (once per job); {@code null} for the provider
 *                       named by the setting
 * @param maskedEnvFiles env files loaded for this invocation; file tools refuse them
 * @param storageRoot    the storage root, refused by file tools when it lies inside the workspace
 * @param lockedTools    tool definitions from {@code perstack.lock} for an Expert, by skill name, or {@code null}
 *                       when the lock has no usable entry for it (docs/skills.md §8)
 * @param startupFiles   files a later run reads when it starts (the config and lock files it would find, the env
 *                       files it would load), present or not: no sandbox of this job may write or create them
 *                       (docs/sandbox.md §4). The workspace's own {@code perstack.toml}, {@code perstack.lock},
 *                       {@code .env} and {@code .env.local} are always added.
 * @param requireLimits  the {@code sandbox} runtime refuses to start when a resource limit cannot be enforced
 *                       (docs/sandbox.md §5)
 * @param lockedPackages exact package versions recorded in {@code perstack.lock}, by the skill's package spec
 */
public record RunOptions(Storage storage, List<RunListener> listeners, RunControl control,
                         Function<JobSettings, LlmClient> llm, List<Path> maskedEnvFiles, Path storageRoot,
                         Function<ExpertConfig, Map<String, List<ToolDefinition>>> lockedTools,
                         List<Path> startupFiles, boolean requireLimits, Map<String, String> lockedPackages) {
    public RunOptions {
        lockedPackages = lockedPackages == null ? Map.of() : Map.copyOf(lockedPackages);
        listeners = List.copyOf(listeners);
        startupFiles = startupFiles == null ? List.of() : List.copyOf(startupFiles);
        maskedEnvFiles = maskedEnvFiles == null ? List.of() : List.copyOf(maskedEnvFiles);
        control = control == null ? RunControl.none() : control;
        llm = llm == null ? providerClients(new Providers()) : llm;
        lockedTools = lockedTools == null ? expert -> null : lockedTools;
    }

    /** Without package versions from a lockfile. */
    public RunOptions(Storage storage, List<RunListener> listeners, RunControl control,
                      Function<JobSettings, LlmClient> llm, List<Path> maskedEnvFiles, Path storageRoot,
                      Function<ExpertConfig, Map<String, List<ToolDefinition>>> lockedTools,
                      List<Path> startupFiles, boolean requireLimits) {
        this(storage, listeners, control, llm, maskedEnvFiles, storageRoot, lockedTools, startupFiles, requireLimits,
                null);
    }

    /** Without start-up files beyond the workspace's own. */
    public RunOptions(Storage storage, List<RunListener> listeners, RunControl control,
                      Function<JobSettings, LlmClient> llm, List<Path> maskedEnvFiles, Path storageRoot,
                      Function<ExpertConfig, Map<String, List<ToolDefinition>>> lockedTools) {
        this(storage, listeners, control, llm, maskedEnvFiles, storageRoot, lockedTools, List.of(), false);
    }

    /** Without a lockfile: every skill's tools come from its server. */
    public RunOptions(Storage storage, List<RunListener> listeners, RunControl control,
                      Function<JobSettings, LlmClient> llm, List<Path> maskedEnvFiles, Path storageRoot) {
        this(storage, listeners, control, llm, maskedEnvFiles, storageRoot, null);
    }

    /**
     * Options for an embedding application: history in {@code storage}, every event to {@code listeners}, no
     * continue hook, provider clients made from each setting's provider config and environment. When the storage is
     * a {@link FileStorage} its root is refused by the file tools, as the CLI does.
     */
    public static RunOptions of(Storage storage, RunListener... listeners) {
        Path root = storage instanceof FileStorage files ? files.root() : null;
        return new RunOptions(storage, List.of(listeners), null, null, List.of(), root);
    }

    /** The same options with cancellation and the {@code shouldContinueRun} hook of {@code control}. */
    public RunOptions withControl(RunControl control) {
        return new RunOptions(storage, listeners, control, llm, maskedEnvFiles, storageRoot, lockedTools,
                startupFiles, requireLimits, lockedPackages);
    }

    /**
     * Clients from each setting's provider config, shared by the jobs run with these options (and their
     * {@link #withControl} copies). The pool holds no threads: its idle connections expire, and go with the options.
     */
    private static Function<JobSettings, LlmClient> providerClients(Providers providers) {
        return job -> providers.create(ProviderSettings.resolve(job.providerConfig(), job.env()), job.proxyUrl());
    }
}
