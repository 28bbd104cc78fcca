package io.perstack.sandbox.egress;

import io.perstack.core.event.EventPayload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The egress proxy of one job (docs/isolation.md §5, §6.4): a Jetty server in the runtime process whose only handler is
 * a policy-enforcing {@code ConnectHandler}. It has no TCP listener at all; each sandboxed process gets its own Unix
 * socket ({@link #listen}), which also tells the proxy which process a request came from. What a job's processes
 * may hold is bounded per process and per job ({@link Limits}), so no sandbox can exhaust the runtime's descriptors
 * or threads; requests Jetty's parser rejects are recorded too ({@link RejectionRecorder}).
 */
public final class EgressProxy implements AutoCloseable {
    /** docs/isolation.md §5.4. */
    public static final int MAX_TUNNELS = 64;
    public static final Duration TUNNEL_WAIT = Duration.ofSeconds(30);
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Half the job's tunnels, so one runaway process (an {@code exec} opening connections in a loop) always leaves
     * the other half to the job's skills; still about twice what package managers open in parallel (npm keeps at
     * most 15 sockets per host by default).
     */
    public static final int MAX_TUNNELS_PER_SANDBOX = 32;
    /**
     * A CONNECT is decided within milliseconds of arriving, so connections pile up as pending only while they wait
     * for a tunnel, or when nothing is sent on them at all. 32 lets a process queue as many CONNECTs as it may hold
     * tunnels.
     */
    public static final int MAX_PENDING_PER_SANDBOX = 32;
    /**
     * Twice the job's tunnels. Each pending connection may be a proxy thread blocked in the tunnel wait, so this
     * also bounds the proxy's threads.
     */
    public static final int MAX_PENDING = 128;

    /**
     * How much one job's sandboxes may hold in the runtime (docs/isolation.md §5.4). A connection is pending from its
     * accept until it holds a tunnel or closes; a connection beyond a pending cap is closed as soon as it is
     * accepted, while a CONNECT beyond a tunnel cap waits up to {@code tunnelWait} and then gets {@code 503}. The
     * proxy's descriptors are thus at most {@code pendingPerJob + 2 * tunnelsPerJob} plus one socket per listener.
     *
     * @param tunnelsPerJob     concurrent tunnels of the job
     * @param tunnelsPerSandbox concurrent tunnels of one sandboxed process (one listener)
     * @param pendingPerJob     pending connections of the job
     * @param pendingPerSandbox pending connections of one sandboxed process
     * @param tunnelWait        how long a CONNECT waits for a free tunnel before {@code 503}
     */
    public record Limits(int tunnelsPerJob, int tunnelsPerSandbox, int pendingPerJob, int pendingPerSandbox,
                         Duration tunnelWait) {
        public static final Limits DEFAULT = new Limits(MAX_TUNNELS, MAX_TUNNELS_PER_SANDBOX, MAX_PENDING,
                MAX_PENDING_PER_SANDBOX, TUNNEL_WAIT);

        public Limits {
            if (tunnelsPerJob < 1 || tunnelsPerSandbox < 1 || pendingPerJob < 1 || pendingPerSandbox < 1) {
                throw new IllegalArgumentException("every egress proxy limit must be at least 1");
            }
            Objects.requireNonNull(tunnelWait, "tunnelWait");
        }
    }

    /**
     * @param policy   allowlist and address rules
     * @param resolver how allowed names become addresses
     * @param events   receives one {@code proxyAccess} per decision (per burst for refused connections); called on
     *                 proxy threads
     * @param warnings one-line warnings for stderr (a burst of refused connections is one line)
     * @param limits   the caps on tunnels and pending connections
     */
    public record Options(EgressPolicy policy, HostResolver resolver, Consumer<EventPayload.ProxyAccess> events,
                          Consumer<String> warnings, Limits limits) {
        public Options {
            Objects.requireNonNull(policy, "policy");
            resolver = resolver == null ? HostResolver.system() : resolver;
            events = events == null ? e -> { } : events;
            warnings = warnings == null ? System.err::println : warnings;
            limits = limits == null ? Limits.DEFAULT : limits;
        }

        public Options(EgressPolicy policy, HostResolver resolver, Consumer<EventPayload.ProxyAccess> events) {
            this(policy, resolver, events, null, null);
        }
    }

    private final Server server;
    private final HttpConfiguration http;
    private final Options options;
    private final Quota job;

    private EgressProxy(Server server, HttpConfiguration http, Options options) {
        this.server = server;
        this.http = http;
        this.options = options;
        this.job = new Quota(options.limits().tunnelsPerJob(), options.limits().pendingPerJob());
    }

    public static EgressProxy start(Options options) {
        // Every pending connection may hold a thread in the tunnel wait; the rest serve selectors and tunnel I/O.
        QueuedThreadPool threads = new QueuedThreadPool(options.limits().pendingPerJob() + 128, 4);
        threads.setName("perstack-egress");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        // A Host header that disagrees with the request target must reach our handler, which refuses it with a
        // proxyAccess event, instead of ending in a bare 400 that nobody records.
        http.setHttpCompliance(HttpCompliance.RFC9110.with("perstack-egress",
                HttpCompliance.Violation.MISMATCHED_AUTHORITY));
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(false);
        EgressProxy proxy = new EgressProxy(server, http, options);
        PolicyConnectHandler handler = new PolicyConnectHandler(options.policy(), options.resolver(),
                options.limits().tunnelWait());
        handler.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        handler.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.setHandler(handler);
        // Requests the HTTP parser rejects end here, never in the handler.
        server.setErrorHandler(new RejectionRecorder());
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("The egress proxy could not start: " + e.getMessage(), e);
        }
        return proxy;
    }

    /**
     * Opens a socket for one sandboxed process. The socket is created with mode 0600 inside a directory the
     * caller made 0700 (SR-38); the kernel checks both when a sandboxed process connects.
     *
     * @param processName the skill name, or {@code exec}, reported as {@code skillName} in events
     * @param socket      where to create the socket; must not exist
     */
    public Listener listen(String processName, Path socket) throws IOException {
        Limits limits = options.limits();
        Quota own = new Quota(limits.tunnelsPerSandbox(), limits.pendingPerSandbox());
        RefusalBursts bursts = new RefusalBursts(processName, options.warnings(),
                (task, delay) -> server.getScheduler().schedule(task, delay));
        Origin origin = new Origin(processName, own, job, options.events(), bursts);
        ProxyConnector connector = new ProxyConnector(server, new HttpConnectionFactory(http), origin);
        // Shared with the server: stopping one process's connector must not stop the proxy's threads.
        connector.unmanage(server.getThreadPool());
        connector.unmanage(server.getScheduler());
        connector.setUnixDomainPath(socket);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        try {
            connector.start();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (Exception e) {
            remove(connector);
            throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        return new Listener(connector, socket);
    }

    private void remove(ProxyConnector connector) {
        try {
            connector.stop();
        } catch (Exception e) {
            // Stopping an acceptor that never started; nothing is left to release.
        }
        server.removeConnector(connector);
        connector.origin().close();
    }

    /** The socket of one process; closing it stops accepting, ends its open tunnels and deletes the socket file. */
    public final class Listener implements AutoCloseable {
        private final ProxyConnector connector;
        private final Path socket;

        private Listener(ProxyConnector connector, Path socket) {
            this.connector = connector;
            this.socket = socket;
        }

        public Path socket() {
            return socket;
        }

        @Override
        public void close() {
            remove(connector);
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // The scratch directory holding it is removed with the job.
            }
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("The egress proxy did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
