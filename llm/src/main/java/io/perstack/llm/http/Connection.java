package io.perstack.llm.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection to a provider (directly, or through an HTTP proxy: a {@code CONNECT} tunnel for https,
 * absolute-form requests for http), used by one exchange at a time on the caller's thread. Responses are framed by
 * {@code Content-Length}, chunked encoding or connection close; a body read to its end hands the connection back to
 * the pool, a body closed early closes it. The request is written by {@link Http1Request}, the response head read by
 * {@link Http1HeadParser}, the body framed by {@link ResponseBody}, and the proxy tunnel opened by {@link ProxyTunnel}.
 */
final class Connection implements Closeable {
    /** Servers send one or two (100 Continue, 103 Early Hints); an endless run of them would never end the exchange. */
    private static final int MAX_INTERIM_RESPONSES = 16;

    /** Where a connection goes: the origin, and the proxy in front of it if any. */
    record Route(boolean tls, String host, int port, InetSocketAddress proxy) {
        static Route of(URI uri, InetSocketAddress proxy) {
            boolean tls = "https".equalsIgnoreCase(uri.getScheme());
            int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
            return new Route(tls, uri.getHost(), port, proxy);
        }

        /** The host without IPv6 brackets, as a socket and TLS host name checks want it. */
        String bareHost() {
            return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        }

        String authority() {
            return port == (tls ? 443 : 80) ? host : host + ":" + port;
        }
    }

    /** A response whose body stream is positioned at the first body byte. */
    record Response(int status, Map<String, List<String>> headers, InputStream body) {}

    private final Route route;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private volatile long idleSince;
    private boolean reused;
    /** The cancellation of the exchange currently on this connection. */
    private volatile Cancellation owner;

    private Connection(Route route, Socket socket) throws IOException {
        this.route = route;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }

    /**
     * Connects, tunnels through the proxy if any, and shakes hands. The socket is bound to {@code cancellation} from
     * the start, and until the exchange sets its own read timeout every read is bounded by the connect timeout: a
     * proxy that never answers {@code CONNECT} or a server that never completes the TLS handshake would otherwise
     * hold the thread for good, out of reach of {@link Cancellation#cancel()}.
     */
    static Connection open(Route route, int connectTimeoutMillis, SSLSocketFactory tls, Cancellation cancellation)
            throws IOException {
        InetSocketAddress target = route.proxy() != null ? ProxyTunnel.resolved(route.proxy())
                : new InetSocketAddress(route.bareHost(), route.port());
        Socket raw = new Socket();
        if (!cancellation.attach(raw)) {
            throw new IOException("Request cancelled");
        }
        try {
            raw.connect(target, connectTimeoutMillis);
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(connectTimeoutMillis);
            if (route.proxy() != null && route.tls()) {
                ProxyTunnel.open(raw, route);
            }
            if (!route.tls()) {
                return new Connection(route, raw);
            }
            SSLSocket ssl = (SSLSocket) tls.createSocket(raw, route.bareHost(), route.port(), true);
            SSLParameters params = ssl.getSSLParameters();
            // Without this the JDK checks the certificate chain but not that it names the host we meant to reach.
            params.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            return new Connection(route, ssl);
        } catch (IOException | RuntimeException e) {
            try {
                raw.close();
            } catch (IOException ignored) {
                // Already failing; the first error is the one to report.
            }
            throw e;
        }
    }

    Route route() {
        return route;
    }

    long idleSince() {
        return idleSince;
    }

    void markIdle() {
        idleSince = System.nanoTime();
        reused = true;
    }

    /** Whether this connection carried an earlier exchange (and so may have been closed by the server meanwhile). */
    boolean reused() {
        return reused;
    }

    /**
     * Sends the request and reads the response head. {@link StaleConnection} means nothing at all came back on a
     * reused connection, so the request may be sent again on a fresh one.
     */
    Response exchange(ProviderRequest request, ConnectionPool pool, Cancellation owner, int readTimeoutMillis)
            throws IOException {
        this.owner = owner;
        boolean headSent = false;
        try {
            socket.setSoTimeout(readTimeoutMillis);
            Http1Request.write(out, route, request);
            headSent = true;
            int first = in.read();
            if (first < 0) {
                throw new EOFException("Connection closed before a response");
            }
            return readResponse(first, request.method(), pool);
        } catch (IOException e) {
            closeQuietly();
            if (reused && (!headSent || e instanceof EOFException || e instanceof java.net.SocketException)
                    && !(e instanceof ResponseStarted)) {
                throw new StaleConnection(e);
            }
            throw e;
        }
    }

    private Response readResponse(int firstByte, String method, ConnectionPool pool) throws IOException {
        try {
            int status;
            Map<String, List<String>> headers;
            String statusLine = (char) firstByte + Http1HeadParser.readLine(in);
            int interim = 0;
            while (true) {
                status = Http1HeadParser.statusOf(statusLine);
                headers = Http1HeadParser.readHeaders(in);
                // Interim answers (100 Continue, 103 Early Hints) precede the real one.
                if (status >= 200 || status == 101) {
                    break;
                }
                if (++interim > MAX_INTERIM_RESPONSES) {
                    throw new IOException("Too many interim responses");
                }
                statusLine = Http1HeadParser.readLine(in);
            }
            boolean http10 = statusLine.startsWith("HTTP/1.0");
            boolean keepAlive = !http10 && !Http1HeadParser.hasToken(headers, "connection", "close");
            return new Response(status, headers, ResponseBody.of(this, method, status, headers, keepAlive, pool));
        } catch (IOException e) {
            throw new ResponseStarted(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The stream the response is read from (the body streams read on from the end of the head). */
    InputStream in() {
        return in;
    }

    /**
     * The body of the current exchange ended cleanly: back to the pool if the response allows it and the exchange
     * still owns the connection, closed otherwise.
     */
    void bodyEnded(boolean keepAlive, ConnectionPool pool) {
        if (keepAlive && pool != null && owner.detach(this)) {
            pool.release(this);
        } else {
            closeQuietly();
        }
    }

    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to do with a connection we are dropping.
        }
    }

    /** Nothing came back on a reused connection: the server had closed it while it sat in the pool. */
    static final class StaleConnection extends IOException {
        StaleConnection(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** A failure after the response began: the request reached the server and must not be sent again. */
    private static final class ResponseStarted extends IOException {
        ResponseStarted(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Reads at most {@code limit} bytes of a body (error bodies are small; a hostile server's need not be). */
    static byte[] readAtMost(InputStream body, int limit) throws IOException {
        try (body) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int total = 0;
            int n;
            while (total < limit && (n = body.read(chunk, 0, Math.min(chunk.length, limit - total))) > 0) {
                buf.write(chunk, 0, n);
                total += n;
            }
            return buf.toByteArray();
        }
    }
}
