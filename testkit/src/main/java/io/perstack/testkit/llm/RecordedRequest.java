package io.perstack.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the scripted server received it, so tests can assert what the runtime sent (tools offered, messages,
 * cache markers, inline images, credentials headers).
 *
 * @param index      position in arrival order, from 0
 * @param method     HTTP method
 * @param path       raw request path without the query
 * @param query      raw query string, or {@code ""}
 * @param headers    request headers with lower-case names
 * @param bodyText   the body as UTF-8 text
 * @param body       the body parsed as JSON, or a missing node when it is not JSON
 * @param wire       the provider protocol of the route, {@link Wire#UNKNOWN} for unrouted requests
 * @param streaming  whether the request asked for a streamed response
 * @param receivedAt when the request's body had been read
 */
public record RecordedRequest(
        int index,
        String method,
        String path,
        String query,
        Map<String, List<String>> headers,
        String bodyText,
        JsonNode body,
        Wire wire,
        boolean streaming,
        Instant receivedAt) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header (name matched case-insensitively), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The model the request asked for (body {@code model}, or the Gemini/Bedrock path segment), or {@code null}. */
    public String model() {
        if (body.hasNonNull("model")) {
            return body.get("model").asText();
        }
        int models = path.indexOf("/models/");
        if (models >= 0) {
            String rest = path.substring(models + "/models/".length());
            int colon = rest.indexOf(':');
            return colon >= 0 ? rest.substring(0, colon) : rest;
        }
        int model = path.indexOf("/model/");
        if (model >= 0) {
            String rest = path.substring(model + "/model/".length());
            int slash = rest.indexOf('/');
            // Bedrock model ids contain ':' and arrive percent-encoded in the path.
            return URLDecoder.decode(slash >= 0 ? rest.substring(0, slash) : rest, StandardCharsets.UTF_8);
        }
        return null;
    }
}
