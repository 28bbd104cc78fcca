package io.perstack.llm.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes one HTTP/1.1 request: the request line (origin-form, or absolute-form to a plain-http proxy), the
 * {@code Host} header, the caller's headers less the ones this client frames itself, {@code Content-Length} and the
 * body.
 */
final class Http1Request {
    private Http1Request() {}

    static void write(OutputStream out, Connection.Route route, ProviderRequest request) throws IOException {
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
}
