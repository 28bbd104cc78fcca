package io.perstack.runtime;

import io.perstack.sandbox.packages.NpmClient;
import io.perstack.skills.packages.CachedNpmPackages;
import io.perstack.skills.packages.PackageCache;
import io.perstack.skills.packages.SkillPackages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where a job's sandboxes find installed skill packages (docs/sandbox.md §3), and what keeps that place out of a
 * sandbox's reach: a cache inside the workspace is protected like a start-up file (read-only in every sandbox, its
 * parents anchored) and refused by the file tools; a workspace inside the cache turns the cache off.
 *
 * @param root            the cache folder
 * @param insideWorkspace whether the workspace contains it (then {@link #protect()} names it)
 * @param usable          whether skills may run from it
 */
record SkillPackageCache(Path root, boolean insideWorkspace, boolean usable) {
    /** For backends that run no sandbox: nothing to protect, nothing cached. */
    static SkillPackageCache none() {
        return new SkillPackageCache(null, false, false);
    }

    /** The cache of a job on {@code runtime}: only the sandbox backend runs packages from it. */
    static SkillPackageCache forRuntime(String runtime, Path workspace) {
        return io.perstack.core.config.RuntimeKind.SANDBOX.is(runtime) ? of(workspace, System.getenv())
                : none();
    }

    static SkillPackageCache of(Path workspace, Map<String, String> hostEnvironment) {
        Path root = PackageCache.defaultRoot(hostEnvironment).toAbsolutePath().normalize();
        try {
            // Made now, so that protecting it binds a real folder rather than a placeholder.
            root = Files.createDirectories(root).toRealPath();
        } catch (IOException e) {
            return new SkillPackageCache(root, false, false);
        }
        Path ws = real(workspace);
        return new SkillPackageCache(root, root.startsWith(ws), !ws.startsWith(root));
    }

    /** Paths every sandbox must see read-only and the file tools must refuse. */
    List<Path> protect() {
        return insideWorkspace ? List.of(root) : List.of();
    }

    /** The runner of cached packages, or {@link SkillPackages#NONE} when npm is missing or the cache unusable. */
    SkillPackages packages(Map<String, String> lockedVersions, Consumer<String> progress) {
        NpmClient npm = NpmClient.find(System.getenv());
        if (!usable || npm == null) {
            return SkillPackages.NONE;
        }
        return new CachedNpmPackages(new PackageCache(root), npm, lockedVersions, progress);
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
