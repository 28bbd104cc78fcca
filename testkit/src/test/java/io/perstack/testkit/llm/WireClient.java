package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain JDK HTTP client for driving the scripted server in tests, plus SSE frame parsing. */
final class WireClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private WireClient() {}

    static HttpResponse<String> post(String url, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> postBytes(String url, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return CLIENT.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One server-sent event: its {@code event:} name (or {@code null}) and its {@code data:} text. */
    record SseEvent(String event, String data) {
        JsonNode json() {
            return Json.tree(data);
        }
    }

    /** Parses an SSE body strictly: every frame must end with a blank line and hold one data line. */
    static List<SseEvent> sse(String body) {
        List<SseEvent> events = new ArrayList<>();
        String normalized = body.replace("\r\n", "\n");
        if (!normalized.endsWith("\n\n")) {
            throw new AssertionError("SSE body does not end with a blank line: " + body);
        }
        for (String frame : normalized.split("\n\n")) {
            String event = null;
            String data = null;
            for (String line : frame.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring("event: ".length());
                } else if (line.startsWith("data: ")) {
                    if (data != null) {
                        throw new AssertionError("frame with two data lines: " + frame);
                    }
                    data = line.substring("data: ".length());
                } else {
                    throw new AssertionError("unexpected SSE line: " + line);
                }
            }
            events.add(new SseEvent(event, data));
        }
        return events;
    }
}
