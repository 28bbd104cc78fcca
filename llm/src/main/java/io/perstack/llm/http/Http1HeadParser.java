package io.perstack.llm.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the head of an HTTP/1.x response (status line, header lines, chunk-size lines) from a byte stream, with
 * bounds on line length, header count and header bytes so that a hostile server cannot make the client buffer without
 * end. Used for the origin's response, the proxy's answer to {@code CONNECT} and the chunked framing.
 */
final class Http1HeadParser {
    /** A status line or header line longer than this is not from a provider. */
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADER_BYTES = 256 * 1024;
    private static final int MAX_HEADERS = 512;

    private Http1HeadParser() {}

    /** The status code of an {@code HTTP/1.x} status line. */
    static int statusOf(String line) throws IOException {
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

    /** Header lines up to the empty line, by lower-case name (looked up case-insensitively), values in order. */
    static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
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

    /** Whether a comma-separated header carries {@code token} (case-insensitively). */
    static boolean hasToken(Map<String, List<String>> headers, String name, String token) {
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

    /**
     * The one length that every {@code Content-Length} value states. Differing values leave the end of the body
     * ambiguous (RFC 9112 section 6.3 makes that an unrecoverable error): trusting the first would read the rest of
     * the body as the next response on the connection.
     */
    static long contentLength(List<String> values) throws IOException {
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

    /** One CRLF- (or LF-) terminated line in ISO-8859-1; the terminator is dropped. */
    static String readLine(InputStream in) throws IOException {
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
}
