package io.perstack.skills.packages;

import io.perstack.core.launch.LaunchSpec;
import java.io.IOException;

/** Turns a stdio skill's launch into one that runs its package from the cache, installing it first if needed. */
@FunctionalInterface
public interface SkillPackages {
    /** Launches stay as configured: the backend has no cache (local runs use npx's own). */
    SkillPackages NONE = (skillName, spec) -> spec;

    /**
     * The launch to start for {@code skillName}: {@code spec} itself when it does not run a cacheable package.
     *
     * @throws IOException when the package cannot be resolved or installed
     */
    LaunchSpec prepare(String skillName, LaunchSpec spec) throws IOException;
}
