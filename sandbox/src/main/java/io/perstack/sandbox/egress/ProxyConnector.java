package io.perstack.sandbox.egress;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.IO;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The Unix socket of one sandboxed process. Accepting happens here rather than in Jetty's default path for two
 * reasons. A connection beyond its {@link Origin}'s pending caps is closed the moment it is accepted, before Jetty
 * allocates an endpoint for it, so a flood costs the runtime one descriptor for an instant per connection. And a
 * failing accept, which Jetty logs at WARN with a stack trace on every attempt (the ~6 MB a descriptor-exhausting
 * flood used to write), is counted into one warning line instead.
 */
final class ProxyConnector extends UnixDomainServerConnector {
    // The listening socket stays readable while accept fails for want of descriptors; without a pause the selector
    // would spin. Only this process's own socket waits.
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);
    // Refused connections handled per wake-up, so this selector's tunnels are served during a flood too.
    private static final int MAX_REFUSED_PER_SELECT = 256;

    private final Origin origin;

    ProxyConnector(Server server, HttpConnectionFactory http, Origin origin) {
        super(server, server.getThreadPool(), server.getScheduler(), null, 0, 1, http);
        this.origin = origin;
    }

    Origin origin() {
        return origin;
    }

    /** The process a request came from; every connector of the proxy is one of these. */
    static Origin originOf(Request request) {
        return ((ProxyConnector) request.getConnectionMetaData().getConnector()).origin;
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        // Called by the super constructor: the manager reads origin only once connections arrive.
        return new Selectors(executor, scheduler, selectors);
    }

    @Override
    protected void onEndPointClosed(EndPoint endpoint) {
        super.onEndPointClosed(endpoint);
        origin.release(endpoint.getTransport());
    }

    private final class Selectors extends UnixDomainSelectorManager {
        Selectors(Executor executor, Scheduler scheduler, int selectors) {
            super(executor, scheduler, selectors);
        }

        @Override
        protected SelectableChannel doAccept(SelectableChannel server) throws IOException {
            for (int refused = 0; refused < MAX_REFUSED_PER_SELECT; refused++) {
                SocketChannel channel;
                try {
                    channel = ((ServerSocketChannel) server).accept();
                } catch (ClosedChannelException e) {
                    // The listener is closing.
                    return null;
                } catch (IOException e) {
                    origin.notAccepted(e.getMessage());
                    pause();
                    return null;
                }
                if (channel == null || origin.admit(channel)) {
                    return channel;
                }
                IO.close(channel);
                origin.refused(Origin.TOO_MANY_PENDING);
            }
            return null;
        }

        @Override
        protected void accepted(SelectableChannel channel) throws IOException {
            try {
                super.accepted(channel);
            } catch (IOException | RuntimeException e) {
                // Jetty would log this at WARN with a stack trace; the client is gone or the runtime is short of
                // resources, both already visible elsewhere.
                IO.close(channel);
                origin.release(channel);
                origin.notAccepted(e.getMessage());
            }
        }

        @Override
        protected void onAcceptFailed(SelectableChannel channel, Throwable cause) {
            super.onAcceptFailed(channel, cause);
            origin.release(channel);
        }

        private void pause() {
            try {
                Thread.sleep(ACCEPT_BACKOFF);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
