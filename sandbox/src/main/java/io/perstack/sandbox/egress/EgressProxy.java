package io.perstack.sandbox.egress;

import io.perstack.core.event.EventPayload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The egress proxy of one job (isolation.md §5, §6.4): a Jetty server in the runtime process whose only handler is
 * a policy-enforcing {@code ConnectHandler}. It has no TCP listener at all; each sandboxed process gets its own Unix
 * socket ({@link #listen}), which also tells the proxy which process a request came from.
 */
public final class EgressProxy implements AutoCloseable {
    /** isolation.md §5.4. */
    public static final int MAX_TUNNELS = 64;
    public static final Duration TUNNEL_WAIT = Duration.ofSeconds(30);
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param policy     allowlist and address rules
     * @param resolver   how allowed names become addresses
     * @param events     receives one {@code proxyAccess} per decision; called on proxy threads
     * @param maxTunnels concurrent tunnels of the job
     * @param tunnelWait how long a CONNECT waits for a free tunnel before {@code 503}
     */
    public record Options(EgressPolicy policy, HostResolver resolver, Consumer<EventPayload.ProxyAccess> events,
                          int maxTunnels, Duration tunnelWait) {
        public Options {
            Objects.requireNonNull(policy, "policy");
            resolver = resolver == null ? HostResolver.system() : resolver;
            events = events == null ? e -> { } : events;
        }

        public Options(EgressPolicy policy, HostResolver resolver, Consumer<EventPayload.ProxyAccess> events) {
            this(policy, resolver, events, MAX_TUNNELS, TUNNEL_WAIT);
        }
    }

    private final Server server;
    private final HttpConfiguration http;
    private final Map<Connector, String> processes = new ConcurrentHashMap<>();

    private EgressProxy(Server server, HttpConfiguration http) {
        this.server = server;
        this.http = http;
    }

    public static EgressProxy start(Options options) {
        QueuedThreadPool threads = new QueuedThreadPool(256, 4);
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
        EgressProxy proxy = new EgressProxy(server, http);
        PolicyConnectHandler handler = new PolicyConnectHandler(options.policy(), options.resolver(),
                options.events(), new Semaphore(options.maxTunnels(), true), options.tunnelWait(),
                request -> proxy.processes.getOrDefault(request.getConnectionMetaData().getConnector(), "unknown"));
        handler.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        handler.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.setHandler(handler);
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
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, server.getThreadPool(),
                server.getScheduler(), null, 0, 1, new HttpConnectionFactory(http));
        // Shared with the server: stopping one process's connector must not stop the proxy's threads.
        connector.unmanage(server.getThreadPool());
        connector.unmanage(server.getScheduler());
        connector.setUnixDomainPath(socket);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        processes.put(connector, processName);
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

    private void remove(UnixDomainServerConnector connector) {
        try {
            connector.stop();
        } catch (Exception e) {
            // Stopping an acceptor that never started; nothing is left to release.
        }
        server.removeConnector(connector);
        processes.remove(connector);
    }

    /** The socket of one process; closing it stops accepting, ends its open tunnels and deletes the socket file. */
    public final class Listener implements AutoCloseable {
        private final UnixDomainServerConnector connector;
        private final Path socket;

        private Listener(UnixDomainServerConnector connector, Path socket) {
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
