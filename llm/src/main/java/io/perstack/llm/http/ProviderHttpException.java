package io.perstack.llm.http;

import dev.langchain4j.exception.HttpException;
import java.util.List;
import java.util.Map;

/** An HTTP error status from a provider, with the response headers the plain library exception drops. */
public final class ProviderHttpException extends HttpException {
    private final Map<String, List<String>> headers;
    private final String body;

    public ProviderHttpException(int statusCode, String body, Map<String, List<String>> headers) {
        super(statusCode, body);
        this.body = body;
        this.headers = headers;
    }

    public String body() {
        return body;
    }

    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().getFirst();
            }
        }
        return null;
    }
}
