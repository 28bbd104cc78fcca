package io.perstack.base;

import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.ProcessLauncher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How one base skill instance is set up.
 *
 * @param workspaceRoot    the workspace on the host
 * @param modelVisibleRoot the root as the model sees it ({@code /workspace} in sandbox and docker, the real host path
 *                         in local); {@code null} means the real host path
 * @param deniedPaths      directories refused like {@code perstack/} (the storage root when inside the workspace)
 * @param maskedEnvFiles   env files loaded for the run; refused and hidden from listings
 * @param launcher         the isolation backend's launcher for {@code exec}; {@code null} disables {@code exec}
 * @param environment      builds {@code exec}'s environment (docs/skills.md §4)
 * @param inlineMedia      {@code true} in process (images and PDFs become inline parts); {@code false} in stdio mode
 * @param protectedPaths   entries the file tools may read but not change (what the sandbox mounts read-only)
 */
public record BaseSkillOptions(Path workspaceRoot, String modelVisibleRoot, List<Path> deniedPaths,
                               List<Path> maskedEnvFiles, ProcessLauncher launcher, EnvironmentPolicy environment,
                               boolean inlineMedia, List<Path> protectedPaths) {
    public BaseSkillOptions {
        deniedPaths = deniedPaths == null ? List.of() : List.copyOf(deniedPaths);
        maskedEnvFiles = maskedEnvFiles == null ? List.of() : List.copyOf(maskedEnvFiles);
        environment = environment == null ? EnvironmentPolicy.local(Map.of(), List.of()) : environment;
        protectedPaths = protectedPaths == null ? List.of() : List.copyOf(protectedPaths);
    }

    /** Without protected entries (the {@code local} runtime and the stdio server). */
    public BaseSkillOptions(Path workspaceRoot, String modelVisibleRoot, List<Path> deniedPaths,
                            List<Path> maskedEnvFiles, ProcessLauncher launcher, EnvironmentPolicy environment,
                            boolean inlineMedia) {
        this(workspaceRoot, modelVisibleRoot, deniedPaths, maskedEnvFiles, launcher, environment, inlineMedia,
                List.of());
    }

    /**
     * With the merged environment of the invocation instead of a policy: {@code exec} gets its safe-list values as
     * under the {@code local} backend, and no {@code --env} names.
     */
    public BaseSkillOptions(Path workspaceRoot, String modelVisibleRoot, List<Path> deniedPaths,
                            List<Path> maskedEnvFiles, ProcessLauncher launcher, Map<String, String> environment,
                            boolean inlineMedia) {
        this(workspaceRoot, modelVisibleRoot, deniedPaths, maskedEnvFiles, launcher,
                EnvironmentPolicy.local(environment == null ? Map.of() : environment, List.of()), inlineMedia);
    }
}
