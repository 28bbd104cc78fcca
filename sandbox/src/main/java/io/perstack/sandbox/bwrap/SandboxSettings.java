package io.perstack.sandbox.bwrap;

import io.perstack.core.event.EventPayload;
import io.perstack.sandbox.egress.Cidr;
import io.perstack.sandbox.egress.HostResolver;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What one job's sandbox needs to know.
 *
 * @param jobId             names the scratch directory and cgroups
 * @param workspace         the workspace on the host, mounted at {@code /workspace}
 * @param maskedDirectories replaced by an empty read-only directory when inside the workspace (history, storage)
 * @param maskedFiles       replaced by an empty read-only file when inside the workspace (loaded env files)
 * @param allowlist         the job's egress allowlist ({@link io.perstack.sandbox.egress.JobAllowlist})
 * @param resolver          resolves allowed names; {@code null} for the host's DNS
 * @param egressExemptions  blocked ranges the proxy may still connect to; {@code null} or empty for none. Only code
 *                          sets it (tests reaching local TLS servers): no configuration, flag or environment
 *                          variable reaches it, and the runtime always passes none
 * @param events            receives every {@code proxyAccess}
 * @param warnings          one-line warnings for stderr
 * @param hostPath          the runtime's {@code PATH}: where bubblewrap and tool installations are found
 * @param startupFiles      files the runtime reads when a later run starts ({@code perstack.toml}, {@code
 *                          perstack.lock}, env files, present or not): read-only in every sandbox, and created
 *                          empty for the job when missing, so no sandbox can plant one ({@link ProtectedEntries})
 * @param requireLimits     refuse to prepare when a resource limit of docs/sandbox.md §5 cannot be enforced
 */
public record SandboxSettings(String jobId, Path workspace, List<Path> maskedDirectories, List<Path> maskedFiles,
                              List<String> allowlist, HostResolver resolver, List<Cidr> egressExemptions,
                              Consumer<EventPayload.ProxyAccess> events, Consumer<String> warnings,
                              String hostPath, List<Path> startupFiles, boolean requireLimits) {
    /** The default warning sink. */
    public static final Consumer<String> STDERR = System.err::println;

    public SandboxSettings {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(workspace, "workspace");
        maskedDirectories = maskedDirectories == null ? List.of() : List.copyOf(maskedDirectories);
        maskedFiles = maskedFiles == null ? List.of() : List.copyOf(maskedFiles);
        allowlist = allowlist == null ? List.of() : List.copyOf(allowlist);
        resolver = resolver == null ? HostResolver.system() : resolver;
        egressExemptions = egressExemptions == null ? List.of() : List.copyOf(egressExemptions);
        events = events == null ? e -> { } : events;
        warnings = warnings == null ? STDERR : warnings;
        hostPath = hostPath == null ? "/usr/local/bin:/usr/bin:/bin" : hostPath;
        startupFiles = startupFiles == null ? List.of() : List.copyOf(startupFiles);
    }

    /** Without start-up files to protect and with best-effort limits. */
    public SandboxSettings(String jobId, Path workspace, List<Path> maskedDirectories, List<Path> maskedFiles,
                           List<String> allowlist, HostResolver resolver, List<Cidr> egressExemptions,
                           Consumer<EventPayload.ProxyAccess> events, Consumer<String> warnings, String hostPath) {
        this(jobId, workspace, maskedDirectories, maskedFiles, allowlist, resolver, egressExemptions, events, warnings,
                hostPath, List.of(), false);
    }
}
