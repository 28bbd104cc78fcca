package io.perstack.skills.lock;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.tool.ToolDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one invocation takes from a lock (docs/skills.md §8): tool definitions for every Expert whose entry still matches
 * its definition, and registry Experts pinned by digest. A local Expert edited since the install loses its entry
 * (its servers are asked again); a registry entry whose definition does not match its digest stops the run.
 *
 * @param registryExperts Experts recorded from the registry and not defined locally, by key
 * @param toolsByExpert   usable tool definitions by Expert key, then by skill name
 * @param npmPackages     exact versions of {@code npx} skill packages, by the package as the skill names it
 */
public record LockedRun(Map<String, ExpertConfig> registryExperts,
                        Map<String, Map<String, List<ToolDefinition>>> toolsByExpert,
                        Map<String, String> npmPackages) {
    public static final String STALE_WARNING = "perstack.lock is out of date; run perstack install";

    public LockedRun {
        npmPackages = npmPackages == null ? Map.of() : Map.copyOf(npmPackages);
    }

    public LockedRun(Map<String, ExpertConfig> registryExperts,
                     Map<String, Map<String, List<ToolDefinition>>> toolsByExpert) {
        this(registryExperts, toolsByExpert, null);
    }

    /** A registry entry was altered after it was recorded (SR-48). */
    public static final class DigestMismatch extends Exception {
        public DigestMismatch(String key) {
            super("perstack.lock digest mismatch for " + key);
        }
    }

    /**
     * @param configDigest {@code sha256:<hex>} of the current {@code perstack.toml}
     * @param warn         receives the stale-lock warning
     */
    public static LockedRun of(Lockfile lock, String configDigest, Map<String, ExpertConfig> localExperts,
                               Consumer<String> warn) throws DigestMismatch {
        if (lock.configDigest() != null && !lock.configDigest().equals(configDigest)) {
            warn.accept(STALE_WARNING);
        }
        Map<String, ExpertConfig> registry = new LinkedHashMap<>();
        Map<String, Map<String, List<ToolDefinition>>> tools = new LinkedHashMap<>();
        for (LockedExpert entry : lock.experts().values()) {
            ExpertConfig local = localExperts.get(entry.key());
            if (local != null) {
                // An entry without a digest (TypeScript lock) is taken unverified, as docs/configuration.md §9 allows.
                if (entry.digest() == null || entry.digest().equals(ExpertDefinitions.digest(local))) {
                    tools.put(entry.key(), entry.toolsBySkill());
                }
            } else if (LockedExpert.REGISTRY.equals(entry.source())) {
                if (entry.digest() != null && !entry.digest().equals(entry.recomputedDigest())) {
                    throw new DigestMismatch(entry.key());
                }
                registry.put(entry.key(), entry.toExpertConfig());
                tools.put(entry.key(), entry.toolsBySkill());
            }
        }
        // Versions stay usable in a stale lock: a package spec that changed is simply not found among them.
        return new LockedRun(registry, tools, lock.npmPackages());
    }

    /** For {@link io.perstack.skills.mcp.McpSetup#lockedTools()}: {@code null} when the Expert has no usable entry. */
    public Map<String, List<ToolDefinition>> toolsFor(ExpertConfig expert) {
        return toolsByExpert.get(expert.key());
    }
}
