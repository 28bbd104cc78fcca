package io.perstack.skills.packages;

import io.perstack.core.launch.LaunchSpec;
import io.perstack.sandbox.packages.NpmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@code npx} skills run from the package cache: the version is the one the skill pins, else the one
 * {@code perstack.lock} recorded, else the registry's answer now; the trusted runtime installs it once (scripts
 * disabled) and the skill runs {@code node <entry>/node_modules/<package>/<bin>} with only that entry visible,
 * read-only.
 */
public final class CachedNpmPackages implements SkillPackages {
    private final PackageCache cache;
    private final NpmClient npm;
    private final Map<String, String> locked;
    private final Consumer<String> progress;
    private final Map<String, String> resolved = new ConcurrentHashMap<>();

    /**
     * @param locked   exact versions recorded by {@code perstack install}, by the spec as written ({@code name@range})
     * @param progress one line per install, for stderr
     */
    public CachedNpmPackages(PackageCache cache, NpmClient npm, Map<String, String> locked,
                             Consumer<String> progress) {
        this.cache = cache;
        this.npm = java.util.Objects.requireNonNull(npm, "npm");
        this.locked = locked == null ? Map.of() : Map.copyOf(locked);
        this.progress = progress;
    }

    @Override
    public LaunchSpec prepare(String skillName, LaunchSpec spec) throws IOException {
        NpxInvocation npx = NpxInvocation.parse(spec.command()).orElse(null);
        if (npx == null) {
            return spec;
        }
        String name = npx.spec().name();
        String version = version(npx.spec());
        resolved.put(npx.spec().toString(), version);
        String label = name + "@" + version;
        Path entry = cache.ensure(name, version, npm::install,
                () -> progress.accept("Installing " + label + " for skill " + skillName + "..."),
                ms -> progress.accept("Installed " + label + " for skill " + skillName + " in "
                        + String.format(Locale.ROOT, "%.1f", ms / 1000.0) + " s"));
        Path program;
        try {
            program = PackageBin.find(entry, name);
        } catch (IOException e) {
            // Not something the cache can run (several programs, a native binary): npx decides, as before.
            progress.accept("Skill " + skillName + " runs through npx: " + e.getMessage());
            return spec;
        }
        List<String> command = new ArrayList<>(List.of("node", program.toString()));
        command.addAll(npx.arguments());
        return spec.withCommand(command, List.of(entry));
    }

    private String version(NpmPackageSpec spec) throws IOException {
        if (spec.pinned()) {
            return spec.requested();
        }
        String fromLock = locked.get(spec.toString());
        if (NpmPackageSpec.isExact(fromLock)) {
            return fromLock;
        }
        // Never in the workspace: an .npmrc there is not the user's to trust.
        Path cwd = Files.createDirectories(cache.root());
        String version = npm.resolve(spec.toString(), cwd);
        if (!NpmPackageSpec.isExact(version)) {
            throw new IOException("the registry gave no exact version for " + spec);
        }
        return version;
    }

    /** The exact version each spec was run with, to record in {@code perstack.lock}. */
    public Map<String, String> resolved() {
        return Map.copyOf(resolved);
    }
}
