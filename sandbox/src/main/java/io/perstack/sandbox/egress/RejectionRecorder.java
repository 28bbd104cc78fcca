package io.perstack.sandbox.egress;

import java.util.Locale;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The server's error handler, which also sees every request Jetty's HTTP parser rejects (400, 414, 431, …): those
 * never reach {@link PolicyConnectHandler}, so this is where they become {@code proxyAccess} events. Errors for
 * requests the policy already decided (its own refusals, a failed upstream connect) pass through unrecorded, as
 * they have their event.
 */
final class RejectionRecorder extends ErrorHandler {
    static final String MALFORMED = "malformed request";
    static final String URI_TOO_LONG = "URI too long";
    static final String HEADER_TOO_LARGE = "request header too large";
    static final String TIMEOUT = "request timeout";
    static final String PROXY_ERROR = "proxy error";

    RejectionRecorder() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getAttribute(PolicyConnectHandler.DECIDED) == null) {
            request.setAttribute(PolicyConnectHandler.DECIDED, Boolean.TRUE);
            int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
            // What the parser got of the request line before it gave up; a garbage line leaves nothing.
            HttpURI uri = request.getHttpURI();
            String host = uri == null || uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            int port = host.isEmpty() || uri.getPort() <= 0 ? 0 : uri.getPort();
            ProxyConnector.originOf(request).emit("blocked", host, port, reason(status));
        }
        return super.handle(request, response, callback);
    }

    static String reason(int status) {
        return switch (status) {
            case HttpStatus.URI_TOO_LONG_414 -> URI_TOO_LONG;
            case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 -> HEADER_TOO_LARGE;
            case HttpStatus.REQUEST_TIMEOUT_408 -> TIMEOUT;
            case HttpStatus.INTERNAL_SERVER_ERROR_500 -> PROXY_ERROR;
            default -> MALFORMED;
        };
    }
}
