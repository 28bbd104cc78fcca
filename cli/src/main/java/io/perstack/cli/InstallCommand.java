package io.perstack.cli;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.PerstackConfig;
import io.perstack.core.config.RuntimeKind;
import io.perstack.core.event.EventPayload;
import io.perstack.core.policy.TerminalText;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.runtime.ToolCollection;
import io.perstack.skills.lock.LockedExpert;
import io.perstack.sandbox.RuntimeSelection;
import io.perstack.skills.lock.Lockfile;
import io.perstack.skills.packages.CachedNpmPackages;
import io.perstack.skills.packages.SkillPackages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code perstack install}: starts every skill of every Expert once and records their tool definitions in
 * {@code perstack.lock} next to the config (docs/cli.md §6, docs/configuration.md §9), so later runs need no server before its
 * first tool call.
 */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = "Resolve Experts and record their skills' tool definitions in perstack.lock.")
final class InstallCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "<configPath>",
            description = "Path of perstack.toml (default: search upward from the current directory)")
    String config;

    @Option(names = "--env-path", paramLabel = "<path>",
            description = "Env file to load; repeatable (default: envPath from perstack.toml, else .env and .env.local)")
    List<String> envPath = new ArrayList<>();

    @Option(names = "--runtime", paramLabel = "<runtime>",
            description = "Where skills run while collecting: sandbox, docker, local (default: runtime from "
                    + "perstack.toml, else sandbox on Linux)")
    String runtime;

    @Override
    public Integer call() {
        try {
            install(System.out);
            return ExitCodes.OK;
        } catch (UserError e) {
            throw new UserError("Error: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UserError("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    private void install(PrintStream out) {
        if (runtime != null && !RuntimeSelection.isKnownName(runtime)) {
            throw new UserError("Invalid runtime \"" + runtime + "\". Expected one of: " + RuntimeKind.offered());
        }
        Path cwd = Path.of("").toAbsolutePath();
        PerstackConfig cfg = ConfigSource.load(config, cwd);
        if (cfg.source() == null) {
            throw new UserError("perstack install needs a local perstack.toml; a remote config has no lock");
        }
        ConfigSource.Environment environment = ConfigSource.environment(cfg, envPath, cwd);
        String backend = Invocation.selectRuntime(runtime != null ? runtime : cfg.runtime());

        out.println("Resolving experts...");
        Map<String, ExpertConfig> experts = resolve(cfg.experts());
        out.println("Found " + experts.size() + " expert(s)");

        Map<String, LockedExpert> entries = new LinkedHashMap<>();
        // One package runner for all Experts: each package is installed once and its version recorded.
        SkillPackages packages = ToolCollection.packages(backend, cwd);
        for (ExpertConfig expert : experts.values()) {
            out.println("Collecting tool definitions for " + expert.key() + "...");
            List<ToolDefinition> tools = ToolCollection.collect(expert, experts, new ToolCollection.Setting(
                    backend, cwd, environment.merged(), List.of(), cfg.perstackBaseSkillCommand(),
                    System.getenv("PERSTACK_PROXY_URL"), InstallCommand::diagnose, packages));
            out.println("  Found " + tools.size() + " tool(s)");
            entries.put(expert.key(), LockedExpert.local(expert, tools));
        }
        Path file = cfg.source().toAbsolutePath().getParent().resolve(Lockfile.FILE_NAME);
        Lockfile lock = new Lockfile(Lockfile.FORMAT_VERSION, System.currentTimeMillis(),
                cfg.source().getFileName().toString(), "sha256:" + cfg.sha256(), entries,
                packages instanceof CachedNpmPackages cached ? cached.resolved() : null);
        try {
            lock.write(file);
        } catch (IOException e) {
            throw new UserError("Cannot write " + file + ": " + e.getMessage());
        }
        out.println("Generated " + file);
    }

    /** Local Experts, then breadth-first every delegate they name; one not defined locally cannot be resolved yet. */
    private static Map<String, ExpertConfig> resolve(Map<String, ExpertConfig> local) {
        Map<String, ExpertConfig> out = new LinkedHashMap<>(local);
        Deque<String> queue = new ArrayDeque<>();
        Set<String> seen = new LinkedHashSet<>(local.keySet());
        local.values().forEach(e -> queue.addAll(e.delegates()));
        while (!queue.isEmpty()) {
            String key = queue.removeFirst();
            if (!seen.add(key)) {
                continue;
            }
            // Registry resolution belongs to the registry client, which this build does not have yet.
            throw new UserError("Failed to resolve delegate \"" + key + "\": not defined in perstack.toml and "
                    + "registry Experts cannot be resolved by this version");
        }
        return out;
    }

    /**
     * Progress per skill and the skills' own output during collection: stderr only, so stdout stays the command's
     * product. Names and lines come from configuration and skill processes, so they are stripped before printing.
     */
    private static void diagnose(EventPayload.Runtime event) {
        switch (event) {
            case EventPayload.SkillStarting start -> System.err.println("  Starting skill "
                    + TerminalText.oneLine(start.skillName()) + " (" + TerminalText.oneLine(start.command() + " "
                    + String.join(" ", start.args())) + ")...");
            case EventPayload.SkillConnected connected -> System.err.println("  Skill "
                    + TerminalText.oneLine(connected.skillName()) + " answered in "
                    + (connected.totalDurationMs() == null ? "?" : connected.totalDurationMs()) + " ms");
            case EventPayload.SkillStderr line -> System.err.println("  [" + TerminalText.oneLine(line.skillName())
                    + "] " + TerminalText.oneLine(line.message()));
            default -> {
            }
        }
    }
}
