package io.perstack.llm;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for Google's OAuth2 token endpoint on loopback: answers every token request with {@link #TOKEN} and
 * keeps the form bodies it received, so Vertex tests exercise the real credential exchange over HTTP.
 */
final class GoogleTokenServer implements AutoCloseable {
    static final String TOKEN = "ya29.scripted-access-token";

    private final HttpServer http;
    private final List<String> forms = new CopyOnWriteArrayList<>();

    GoogleTokenServer() {
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.createContext("/token", exchange -> {
            forms.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = ("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
    }

    String tokenUri() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/token";
    }

    List<String> forms() {
        return List.copyOf(forms);
    }

    /** An {@code authorized_user} ADC file (what {@code gcloud auth application-default login} writes). */
    Path authorizedUserFile(Path dir) {
        Path file = dir.resolve("adc.json");
        try {
            Files.writeString(file, """
                    {"type":"authorized_user","client_id":"client-1","client_secret":"client-secret-1",
                     "refresh_token":"refresh-token-1","token_uri":"%s"}""".formatted(tokenUri()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
