package io.perstack.skills.mcp;

import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.skills.packages.SkillPackages;
import java.util.List;
import javax.net.ssl.SSLContext;

/** Where an MCP skill's server is: a process we launch, or a remote endpoint. */
public sealed interface McpServer {

    /**
     * A stdio server started through the isolation backend.
     *
     * @param argv     the skill's own command line, as reported in {@code skillStarting} (not the backend's wrapper)
     * @param spec     what the launcher starts: {@code argv}, the workspace as cwd and the skill's environment
     * @param launcher the isolation backend
     * @param packages  turns {@code spec} into the launch of a cached package install, just before it starts
     */
    record Stdio(List<String> argv, LaunchSpec spec, ProcessLauncher launcher, SkillPackages packages)
            implements McpServer {
        public Stdio {
            argv = List.copyOf(argv);
            packages = packages == null ? SkillPackages.NONE : packages;
        }

        public Stdio(List<String> argv, LaunchSpec spec, ProcessLauncher launcher) {
            this(argv, spec, launcher, SkillPackages.NONE);
        }
    }

    /**
     * A remote server reached from the host (docs/skills.md §7).
     *
     * @param endpoint  the configured URL
     * @param streamable {@code true} for streamable HTTP, {@code false} for the older HTTP+SSE transport
     * @param access    TLS and proxy settings of the connection
     */
    record Remote(String endpoint, boolean streamable, RemoteAccess access) implements McpServer {}

    /**
     * How the host reaches remote servers.
     *
     * @param sslContext trust for TLS; {@code null} for the JDK's default (certificate checks are always on)
     * @param proxyUrl   {@code PERSTACK_PROXY_URL}, or {@code null}
     * @param addresses  how endpoint names are resolved and checked; {@code null} for {@link
     *                   RemoteAddressRules#STRICT}, the only rules the runtime uses
     */
    record RemoteAccess(SSLContext sslContext, String proxyUrl, RemoteAddressRules addresses) {
        public static final RemoteAccess DEFAULT = new RemoteAccess(null, null);

        public RemoteAccess {
            addresses = addresses == null ? RemoteAddressRules.STRICT : addresses;
        }

        /** With the strict address rules. */
        public RemoteAccess(SSLContext sslContext, String proxyUrl) {
            this(sslContext, proxyUrl, RemoteAddressRules.STRICT);
        }
    }
}
