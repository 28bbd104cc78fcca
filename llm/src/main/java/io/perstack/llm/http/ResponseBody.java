package io.perstack.llm.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The body of a response on a {@link Connection}, framed by {@code Content-Length}, chunked encoding or connection
 * close. Reaching the end cleanly may hand the connection back to the pool; closing the body early drops it.
 */
abstract sealed class ResponseBody extends InputStream
        permits ResponseBody.Fixed, ResponseBody.Chunked, ResponseBody.UntilClose {
    final Connection connection;
    final InputStream in;
    private boolean done;

    private ResponseBody(Connection connection) {
        this.connection = connection;
        this.in = connection.in();
    }

    /** The body stream that the response head calls for, positioned at the first body byte. */
    static ResponseBody of(Connection connection, String method, int status, Map<String, List<String>> headers,
            boolean keepAlive, ConnectionPool pool) throws IOException {
        if (method.equals("HEAD") || status == 204 || status == 304) {
            return new Fixed(connection, 0, keepAlive, pool);
        } else if (Http1HeadParser.hasToken(headers, "transfer-encoding", "chunked")) {
            return new Chunked(connection, keepAlive, pool);
        } else if (headers.containsKey("content-length")) {
            return new Fixed(connection, Http1HeadParser.contentLength(headers.get("content-length")), keepAlive,
                    pool);
        } else {
            return new UntilClose(connection);
        }
    }

    /** The body ended cleanly: the connection can carry the next exchange. */
    final void finished(boolean keepAlive, ConnectionPool pool) {
        if (!done) {
            done = true;
            connection.bodyEnded(keepAlive, pool);
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
            connection.closeQuietly();
        }
    }

    /** A body of a length stated up front ({@code Content-Length}, or none at all). */
    static final class Fixed extends ResponseBody {
        private long remaining;
        private final boolean keepAlive;
        private final ConnectionPool pool;

        Fixed(Connection connection, long length, boolean keepAlive, ConnectionPool pool) {
            super(connection);
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

    /** A body in chunked transfer encoding, trailers read and dropped. */
    static final class Chunked extends ResponseBody {
        private long chunkLeft;
        private boolean last;
        private final boolean keepAlive;
        private final ConnectionPool pool;

        Chunked(Connection connection, boolean keepAlive, ConnectionPool pool) {
            super(connection);
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
                    String size = Http1HeadParser.readLine(in);
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
                        Http1HeadParser.readHeaders(in); // trailers
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
                if (chunkLeft == 0 && !Http1HeadParser.readLine(in).isEmpty()) {
                    throw new IOException("Malformed chunk end in response");
                }
                return n;
            } catch (IOException e) {
                close();
                throw e;
            }
        }
    }

    /** A body that ends where the server closes the connection (which then cannot be reused). */
    static final class UntilClose extends ResponseBody {
        UntilClose(Connection connection) {
            super(connection);
        }

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
}
