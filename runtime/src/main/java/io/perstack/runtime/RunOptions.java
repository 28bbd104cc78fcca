package io.perstack.runtime;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.llm.LlmClient;
import io.perstack.runtime.loop.RunControl;
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
 * @param llm            creates the provider client for a setting (once per job)
 * @param maskedEnvFiles env files loaded for this invocation; file tools refuse them
 * @param storageRoot    the storage root, refused by file tools when it lies inside the workspace
 * @param lockedTools    tool definitions from {@code perstack.lock} for an Expert, by skill name, or {@code null}
 *                       when the lock has no usable entry for it (skills.md §8)
 */
public record RunOptions(Storage storage, List<RunListener> listeners, RunControl control,
                         Function<RunSetting, LlmClient> llm, List<Path> maskedEnvFiles, Path storageRoot,
                         Function<ExpertConfig, Map<String, List<ToolDefinition>>> lockedTools) {
    public RunOptions {
        listeners = List.copyOf(listeners);
        maskedEnvFiles = maskedEnvFiles == null ? List.of() : List.copyOf(maskedEnvFiles);
        control = control == null ? RunControl.none() : control;
        lockedTools = lockedTools == null ? expert -> null : lockedTools;
    }

    /** Without a lockfile: every skill's tools come from its server. */
    public RunOptions(Storage storage, List<RunListener> listeners, RunControl control,
                      Function<RunSetting, LlmClient> llm, List<Path> maskedEnvFiles, Path storageRoot) {
        this(storage, listeners, control, llm, maskedEnvFiles, storageRoot, null);
    }
}
