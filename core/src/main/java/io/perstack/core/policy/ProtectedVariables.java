package io.perstack.core.policy;

import java.util.Locale;
import java.util.Set;

/**
 * Environment variable names that no configuration, flag or tool input may set for a skill or {@code exec}
 * (docs/skills.md §4.2, SR-14). They change how a process loads code or reaches the network, so letting an Expert pick
 * their values would let it escape the environment the isolation backend builds.
 */
public final class ProtectedVariables {
    /** Upper-case names; comparison is case-insensitive because Windows and some tools treat names that way. */
    private static final Set<String> NAMES = Set.of(
            "PATH", "HOME", "SHELL", "NODE_PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES",
            "DYLD_LIBRARY_PATH", "NODE_OPTIONS", "PYTHONPATH", "PERL5LIB", "RUBYLIB",
            "BASH_ENV", "ENV", "IFS", "CDPATH", "PYTHONHOME", "PYTHONSTARTUP", "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "NODE_EXTRA_CA_CERTS",
            // Proxy variables are set by the backend; a skill choosing them could route around the egress proxy.
            "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "PERSTACK_PROXY_URL", "NPM_CONFIG_PROXY",
            "NPM_CONFIG_HTTPS_PROXY");

    /** Every dynamic-loader variable is covered, including ones added by future loader versions. */
    private static final String[] PREFIXES = {"LD_", "DYLD_"};

    private ProtectedVariables() {}

    public static boolean isProtected(String name) {
        if (name == null) {
            return false;
        }
        String upper = name.toUpperCase(Locale.ROOT);
        if (NAMES.contains(upper)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (upper.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
