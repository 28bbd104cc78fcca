package io.perstack.sandbox.egress;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * Jetty's tunnel machinery with our policy in front of it. Every decision produces exactly one event, and marks the
 * request as {@link #DECIDED} so the error page Jetty writes for a refusal is not recorded a second time. The
 * checked address is handed to the connect step through a request attribute, so the name is never resolved twice.
 */
final class PolicyConnectHandler extends ConnectHandler {
    private static final String ADDRESS = "io.perstack.egress.address";
    private static final String PERMIT = "io.perstack.egress.permit";
    static final String DECIDED = "io.perstack.egress.decided";
    static final String TOO_MANY_TUNNELS = "too many tunnels";

    private final EgressPolicy policy;
    private final HostResolver resolver;
    private final Duration tunnelWait;

    PolicyConnectHandler(EgressPolicy policy, HostResolver resolver, Duration tunnelWait) {
        this.policy = policy;
        this.resolver = resolver;
        this.tunnelWait = tunnelWait;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!HttpMethod.CONNECT.is(request.getMethod())) {
            HttpURI uri = request.getHttpURI();
            String host = uri.getHost() == null ? "" : uri.getHost();
            int port = uri.getPort() > 0 ? uri.getPort() : 80;
            refuse(request, response, callback, new EgressPolicy.Target(host.toLowerCase(Locale.ROOT),
                    port), EgressPolicy.PLAIN_HTTP, HttpStatus.FORBIDDEN_403);
            return true;
        }
        return super.handle(request, response, callback);
    }

    @Override
    protected void handleConnect(Request request, Response response, Callback callback, String serverAddress) {
        EgressPolicy.TargetVerdict verdict = policy.judgeTarget(serverAddress);
        EgressPolicy.Target target = verdict.target();
        if (verdict.refusal().isPresent()) {
            refuse(request, response, callback, target, verdict.refusal().get(), HttpStatus.FORBIDDEN_403);
            return;
        }
        // Waiting blocks this thread; the pending caps bound how many can wait (EgressProxy.Limits).
        Origin.Tunnel permit = acquire(ProxyConnector.originOf(request));
        if (permit == null) {
            refuse(request, response, callback, target, TOO_MANY_TUNNELS, HttpStatus.SERVICE_UNAVAILABLE_503);
            return;
        }
        List<InetSocketAddress> resolved;
        try {
            resolved = resolver.resolve(target.host(), target.port());
        } catch (UnknownHostException | RuntimeException e) {
            resolved = List.of();
        }
        switch (policy.judgeAddresses(resolved)) {
            case EgressPolicy.AddressVerdict.Refuse refuse -> {
                permit.release();
                int status = EgressPolicy.NOT_RESOLVED.equals(refuse.reason()) ? HttpStatus.BAD_GATEWAY_502
                        : HttpStatus.FORBIDDEN_403;
                refuse(request, response, callback, target, refuse.reason(), status);
            }
            case EgressPolicy.AddressVerdict.Connect connect -> {
                emit(request, "allowed", target, connect.overridden() ? EgressPolicy.TEST_OVERRIDE : null);
                request.setAttribute(ADDRESS, connect.address());
                request.setAttribute(PERMIT, permit);
                super.handleConnect(request, response, callback, serverAddress);
            }
        }
    }

    @Override
    protected void connectToServer(Request request, String host, int port, Promise<SocketChannel> promise) {
        InetSocketAddress checked = (InetSocketAddress) request.getAttribute(ADDRESS);
        SocketChannel channel = null;
        try {
            if (checked == null) {
                throw new IllegalStateException("no checked address for " + host);
            }
            channel = SocketChannel.open();
            channel.socket().setTcpNoDelay(true);
            channel.configureBlocking(false);
            channel.connect(checked);
            promise.succeeded(channel);
        } catch (Throwable x) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (java.io.IOException ignored) {
                    // already failing
                }
            }
            promise.failed(x);
        }
    }

    @Override
    protected void prepareContext(Request request, ConcurrentMap<String, Object> context) {
        Object permit = request.getAttribute(PERMIT);
        if (permit != null) {
            context.put(PERMIT, permit);
        }
    }

    @Override
    protected DownstreamConnection newDownstreamConnection(EndPoint endPoint, ConcurrentMap<String, Object> context) {
        return new DownstreamConnection(endPoint, getExecutor(), getByteBufferPool(), context) {
            @Override
            public void onClose(Throwable cause) {
                super.onClose(cause);
                if (context.get(PERMIT) instanceof Origin.Tunnel p) {
                    p.release();
                }
            }
        };
    }

    @Override
    protected void onConnectFailure(Request request, Response response, Callback callback, Throwable failure) {
        if (request.getAttribute(PERMIT) instanceof Origin.Tunnel p) {
            p.release();
        }
        super.onConnectFailure(request, response, callback, failure);
    }

    private Origin.Tunnel acquire(Origin origin) {
        try {
            return origin.tunnel(tunnelWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void refuse(Request request, Response response, Callback callback, EgressPolicy.Target target,
                        String reason, int status) {
        emit(request, "blocked", target, reason);
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE);
        Response.writeError(request, response, callback, status, reason);
    }

    private void emit(Request request, String action, EgressPolicy.Target target, String reason) {
        request.setAttribute(DECIDED, Boolean.TRUE);
        ProxyConnector.originOf(request).emit(action, target.host(), target.port(), reason);
    }
}
