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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection to a provider (directly, or through an HTTP proxy: a {@code CONNECT} tunnel for https,
 * absolute-form requests for http), used by one exchange at a time on the caller's thread. Responses are framed by
 * {@code Content-Length}, chunked encoding or connection close; a body read to its end hands the connection back to
 * the pool, a body closed early closes it.
 */
final class Connection implements Closeable {
    /** A status line or header line longer than this is not from a provider. */
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADER_BYTES = 256 * 1024;
    private static final int MAX_HEADERS = 512;
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
        InetSocketAddress target = route.proxy() != null ? resolved(route.proxy())
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
                tunnel(raw, route);
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

    /**
     * The proxy address is kept unresolved so that each new connection looks its name up again, but
     * {@link Socket#connect} refuses an unresolved address outright ({@code UnknownHostException}), which made every
     * proxied request fail: resolve it here, per connection.
     */
    private static InetSocketAddress resolved(InetSocketAddress address) {
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }

    private static void tunnel(Socket raw, Route route) throws IOException {
        String authority = route.host() + ":" + route.port();
        OutputStream o = raw.getOutputStream();
        o.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        o.flush();
        // Read byte by byte: whatever follows the proxy's answer belongs to the TLS handshake.
        InputStream i = raw.getInputStream();
        int status = statusOf(readLine(i));
        while (!readLine(i).isEmpty()) {
            // Headers of the proxy's answer carry nothing we use.
        }
        if (status / 100 != 2) {
            throw new IOException("Proxy refused CONNECT " + authority + " with status " + status);
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
            writeRequest(request);
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

    private void writeRequest(ProviderRequest request) throws IOException {
        URI uri = request.uri();
        String target;
        if (route.proxy() != null && !route.tls()) {
            target = "http://" + route.authority() + path(uri);
        } else {
            target = path(uri);
        }
        StringBuilder head = new StringBuilder(256).append(request.method()).append(' ').append(target)
                .append(" HTTP/1.1\r\nHost: ").append(route.authority()).append("\r\n");
        for (Map.Entry<String, String> h : request.headers()) {
            String name = h.getKey();
            if (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-length")
                    || name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("transfer-encoding")) {
                continue;
            }
            head.append(name).append(": ").append(h.getValue()).append("\r\n");
        }
        byte[] body = request.body();
        if (body != null || !request.method().equals("GET")) {
            head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private static String path(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    private Response readResponse(int firstByte, String method, ConnectionPool pool) throws IOException {
        try {
            int status;
            Map<String, List<String>> headers;
            String statusLine = (char) firstByte + readLine(in);
            int interim = 0;
            while (true) {
                status = statusOf(statusLine);
                headers = readHeaders(in);
                // Interim answers (100 Continue, 103 Early Hints) precede the real one.
                if (status >= 200 || status == 101) {
                    break;
                }
                if (++interim > MAX_INTERIM_RESPONSES) {
                    throw new IOException("Too many interim responses");
                }
                statusLine = readLine(in);
            }
            boolean http10 = statusLine.startsWith("HTTP/1.0");
            boolean keepAlive = !http10 && !hasToken(headers, "connection", "close");
            InputStream body;
            if (method.equals("HEAD") || status == 204 || status == 304) {
                body = new FixedBody(0, keepAlive, pool);
            } else if (hasToken(headers, "transfer-encoding", "chunked")) {
                body = new ChunkedBody(keepAlive, pool);
            } else if (headers.containsKey("content-length")) {
                body = new FixedBody(contentLength(headers.get("content-length")), keepAlive, pool);
            } else {
                body = new UntilCloseBody();
            }
            return new Response(status, headers, body);
        } catch (IOException e) {
            throw new ResponseStarted(e);
        }
    }

    /**
     * The one length that every {@code Content-Length} value states. Differing values leave the end of the body
     * ambiguous (RFC 9112 section 6.3 makes that an unrecoverable error): trusting the first would read the rest of
     * the body as the next response on the connection.
     */
    private static long contentLength(List<String> values) throws IOException {
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",", -1)) {
                long l;
                try {
                    l = Long.parseLong(part.strip());
                } catch (NumberFormatException e) {
                    throw new IOException("Invalid Content-Length in response");
                }
                if (l < 0 || (length >= 0 && l != length)) {
                    throw new IOException("Invalid Content-Length in response");
                }
                length = l;
            }
        }
        return length;
    }

    private static int statusOf(String line) throws IOException {
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("Not an HTTP/1.x response: " + printable(line));
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("Not an HTTP/1.x response: " + printable(line));
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int bytes = 0;
        int count = 0;
        String previous = null;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            bytes += line.length();
            if (++count > MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
                throw new IOException("Response headers too large");
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && previous != null) {
                // Obsolete line folding: a continuation of the previous header's last value.
                List<String> values = headers.get(previous);
                values.set(values.size() - 1, values.getLast() + " " + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("Malformed response header: " + printable(line));
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(line.substring(colon + 1).strip());
            previous = name;
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        return headers;
    }

    private static boolean hasToken(Map<String, List<String>> headers, String name, String token) {
        List<String> values = headers.get(name);
        if (values == null) {
            return false;
        }
        for (String v : values) {
            for (String part : v.split(",")) {
                if (part.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One CRLF- (or LF-) terminated line in ISO-8859-1; the terminator is dropped. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("Connection closed in the middle of a response head");
            }
            if (c == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("Response line too long");
            }
            line.append((char) c);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
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

    /** Base of the body streams: closing early drops the connection, reaching the end may keep it. */
    private abstract class Body extends InputStream {
        private boolean done;

        /** The body ended cleanly: the connection can carry the next exchange. */
        final void finished(boolean keepAlive, ConnectionPool pool) {
            if (!done) {
                done = true;
                if (keepAlive && pool != null && owner.detach(Connection.this)) {
                    pool.release(Connection.this);
                } else {
                    closeQuietly();
                }
            }
        }

        final boolean isDone() {
            return done;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                closeQuietly();
            }
        }
    }

    private final class FixedBody extends Body {
        private long remaining;
        private final boolean keepAlive;
        private final ConnectionPool pool;

        FixedBody(long length, boolean keepAlive, ConnectionPool pool) {
            this.remaining = length;
            this.keepAlive = keepAlive;
            this.pool = pool;
            if (length == 0) {
                finished(keepAlive, pool);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0 || isDone()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                close();
                throw new EOFException("Connection closed " + remaining + " bytes before the end of the response");
            }
            remaining -= n;
            if (remaining == 0) {
                finished(keepAlive, pool);
            }
            return n;
        }
    }

    private final class ChunkedBody extends Body {
        private long chunkLeft;
        private boolean last;
        private final boolean keepAlive;
        private final ConnectionPool pool;

        ChunkedBody(boolean keepAlive, ConnectionPool pool) {
            this.keepAlive = keepAlive;
            this.pool = pool;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (last || isDone()) {
                return -1;
            }
            try {
                if (chunkLeft == 0) {
                    String size = readLine(in);
                    int ext = size.indexOf(';');
                    try {
                        chunkLeft = Long.parseLong((ext >= 0 ? size.substring(0, ext) : size).strip(), 16);
                    } catch (NumberFormatException e) {
                        throw new IOException("Malformed chunk size in response");
                    }
                    if (chunkLeft < 0) {
                        throw new IOException("Malformed chunk size in response");
                    }
                    if (chunkLeft == 0) {
                        readHeaders(in); // trailers
                        last = true;
                        finished(keepAlive, pool);
                        return -1;
                    }
                }
                int n = in.read(b, off, (int) Math.min(len, chunkLeft));
                if (n < 0) {
                    throw new EOFException("Connection closed in the middle of a chunk");
                }
                chunkLeft -= n;
                if (chunkLeft == 0 && !readLine(in).isEmpty()) {
                    throw new IOException("Malformed chunk end in response");
                }
                return n;
            } catch (IOException e) {
                close();
                throw e;
            }
        }
    }

    private final class UntilCloseBody extends Body {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (isDone()) {
                return -1;
            }
            int n = in.read(b, off, len);
            if (n < 0) {
                close();
            }
            return n;
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
