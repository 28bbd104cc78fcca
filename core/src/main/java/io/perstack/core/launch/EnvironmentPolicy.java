package io.perstack.core.launch;

import io.perstack.core.policy.ProtectedVariables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the environment of every launched process from scratch (docs/skills.md §4, SR-13–SR-15): the safe list copied
 * from the runtime's merged environment, the backend's overrides, the user's {@code --env} names, and then either one
 * skill's {@code requiredEnv} or the {@code exec} tool's input. Protected names can never come from the user side.
 *
 * @param source             the merged environment of the invocation (real environment plus loaded env files)
 * @param overrides          values the backend imposes (docs/isolation.md §4); trusted, so they may set protected names
 * @param passThrough        names given with {@code --env}
 * @param inheritHostProxies whether proxy variables of the safe list are copied from {@code source}; isolated
 *                           backends never copy host proxy settings in
 */
public record EnvironmentPolicy(Map<String, String> source, Map<String, String> overrides, List<String> passThrough,
                                boolean inheritHostProxies) {
    /** Exactly docs/skills.md §4.1; {@code NODE_PATH} is deliberately absent (SEC-003). */
    public static final List<String> SAFE_NAMES = List.of("PATH", "HOME", "SHELL", "TERM", "HTTP_PROXY",
            "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy", "PERSTACK_PROXY_URL",
            "NPM_CONFIG_PROXY", "NPM_CONFIG_HTTPS_PROXY");


    public EnvironmentPolicy {
        source = Map.copyOf(source);
        overrides = Map.copyOf(overrides);
        passThrough = List.copyOf(passThrough);
        for (String name : passThrough) {
            if (isProtected(name)) {
                throw new EnvironmentException("Environment variable " + name
                        + " is protected and cannot be passed with --env");
            }
            if (blank(source.get(name))) {
                throw new EnvironmentException("Environment variable " + name + " is not set");
            }
        }
    }

    /** The {@code local} backend: the host's safe values, nothing overridden. */
    public static EnvironmentPolicy local(Map<String, String> source, List<String> passThrough) {
        return new EnvironmentPolicy(source, Map.of(), passThrough, true);
    }

    /** Whether a name can never be set by {@code requiredEnv}, {@code --env} or {@code exec} input, in any case. */
    public static boolean isProtected(String name) {
        return ProtectedVariables.isProtected(name);
    }

    /** Safe list plus backend overrides plus {@code --env}: what every launched process receives. */
    public Map<String, String> common() {
        TreeMap<String, String> env = new TreeMap<>();
        for (String name : SAFE_NAMES) {
            String value = source.get(name);
            boolean proxy = !Set.of("PATH", "HOME", "SHELL", "TERM").contains(name);
            if (!blank(value) && (inheritHostProxies || !proxy)) {
                env.put(name, value);
            }
        }
        env.putAll(overrides);
        for (String name : passThrough) {
            env.put(name, source.get(name));
        }
        return env;
    }

    /**
     * The environment of one skill process: {@link #common()} plus its own {@code requiredEnv} values, which reach
     * no other process (SR-15).
     *
     * @throws EnvironmentException with the exact configuration error of docs/skills.md §4.2/§4.3
     */
    public Map<String, String> forSkill(String skillName, Collection<String> requiredEnv) {
        Map<String, String> env = common();
        for (String name : requiredEnv) {
            if (isProtected(name)) {
                throw new EnvironmentException("Skill " + skillName + " may not request protected variable " + name);
            }
            String value = source.get(name);
            if (blank(value)) {
                throw new EnvironmentException("Skill " + skillName + " requires environment variable " + name);
            }
            env.put(name, value);
        }
        return Collections.unmodifiableMap(env);
    }

    /** The environment of one {@code exec} call; protected names in the model's input are dropped, not fatal. */
    public ExecEnvironment forExec(Map<String, String> input) {
        Map<String, String> env = common();
        List<String> dropped = new ArrayList<>();
        new TreeMap<>(input).forEach((name, value) -> {
            if (isProtected(name)) {
                dropped.add(name);
            } else {
                env.put(name, value);
            }
        });
        return new ExecEnvironment(Collections.unmodifiableMap(env), List.copyOf(dropped));
    }

    /** Values are omitted: the source holds secrets (SR-15). */
    @Override
    public String toString() {
        return "EnvironmentPolicy[overrides=" + overrides.keySet() + ", passThrough=" + passThrough
                + ", inheritHostProxies=" + inheritHostProxies + "]";
    }

    private static boolean blank(String value) {
        return value == null || value.isEmpty();
    }

    /** An {@code exec} environment and the protected names that were dropped from the model's input. */
    public record ExecEnvironment(Map<String, String> environment, List<String> dropped) {}
}
