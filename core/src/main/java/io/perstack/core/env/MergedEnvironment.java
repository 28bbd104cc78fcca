package io.perstack.core.env;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process environment merged with the env files that existed.
 *
 * @param variables   every variable; real environment first, then file values for names it did not have
 * @param loadedFiles absolute paths of the files actually read, in load order (the backends mask them, SR-31)
 */
public record MergedEnvironment(Map<String, String> variables, List<Path> loadedFiles) {
    public MergedEnvironment {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        loadedFiles = List.copyOf(loadedFiles);
    }

    /** Deliberately names only: the default record form would print every secret value. */
    @Override
    public String toString() {
        return "MergedEnvironment[names=" + variables.keySet() + ", loadedFiles=" + loadedFiles + "]";
    }
}
