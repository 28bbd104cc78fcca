package io.perstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.llm.http.ProviderHttpException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/** Turns whatever a provider client threw into a classified {@link ProviderError} (docs/providers.md §6). */
public final class FailureClassifier {
    private static final Set<Integer> RETRYABLE_STATUS = Set.of(408, 409, 429, 500, 502, 503, 504, 529);
    private static final Set<Integer> FATAL_STATUS = Set.of(400, 401, 403, 404, 413, 422);
    private static final Set<String> RETRYABLE_TYPES = Set.of("overloaded_error", "rate_limit_error",
            "api_error", "timeout_error", "server_error", "rate_limit_exceeded", "RESOURCE_EXHAUSTED", "UNAVAILABLE",
            "DEADLINE_EXCEEDED", "INTERNAL", "ThrottlingException", "ServiceUnavailableException",
            "InternalServerException", "ModelNotReadyException", "ModelTimeoutException",
            "ModelStreamErrorException");
    private static final Pattern RETRYABLE_MESSAGE = Pattern.compile(
            "rate limit|timeout|overloaded|service unavailable|internal server error|bad gateway|gateway timeout",
            Pattern.CASE_INSENSITIVE);

    private FailureClassifier() {}

    public static ProviderError classify(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ClassifiedFailure known) {
            return known.error();
        }
        if (t instanceof ProviderHttpException http) {
            return fromHttp(http);
        }
        if (t instanceof dev.langchain4j.exception.HttpException http) {
            return fromStatus(http.statusCode(), http.getMessage(), null, null);
        }
        String name = t.getClass().getSimpleName();
        String message = t.getMessage() == null ? name : t.getMessage();
        boolean transport = t instanceof ConnectException || t instanceof UnknownHostException
                || t instanceof SSLException || t instanceof HttpTimeoutException
                || (t instanceof IOException && !(t instanceof java.io.FileNotFoundException));
        return new ProviderError(name, message, null, transport || RETRYABLE_MESSAGE.matcher(message).find(), null);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        for (int i = 0; i < 8 && current.getCause() != null && current != current.getCause(); i++) {
            if (current instanceof ProviderHttpException || current instanceof IOException) {
                return current;
            }
            if (current instanceof RuntimeException && !(current instanceof dev.langchain4j.exception.HttpException)) {
                current = current.getCause();
            } else {
                break;
            }
        }
        return current;
    }

    private static ProviderError fromHttp(ProviderHttpException http) {
        String type = null;
        String message = http.body();
        try {
            JsonNode body = Json.mapper().readTree(http.body());
            JsonNode error = body.path("error");
            if (error.isObject()) {
                // Anthropic and OpenAI name the error in "type"; Google in "status" (RESOURCE_EXHAUSTED, ...).
                type = error.path("type").isTextual() ? error.path("type").asText()
                        : error.path("status").isTextual() ? error.path("status").asText() : null;
                if (error.path("message").isTextual()) {
                    message = error.path("message").asText();
                }
            } else if (error.isTextual()) {
                message = error.asText();
            } else if (body.path("message").isTextual()) {
                message = body.path("message").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // Plain-text error bodies are used as the message verbatim.
        }
        String amazonType = http.header("x-amzn-errortype");
        if (type == null && amazonType != null && !amazonType.isBlank()) {
            // AWS appends a documentation URL after a colon: "ThrottlingException:http://internal...".
            int colon = amazonType.indexOf(':');
            type = colon > 0 ? amazonType.substring(0, colon) : amazonType;
        }
        return fromStatus(http.statusCode(), message, type, retryAfter(http.header("retry-after")));
    }

    /** Classifies an error a provider reported inside a successful stream (no HTTP status). */
    public static ProviderError fromStreamError(String type, String message) {
        String msg = message == null || message.isBlank() ? type : message;
        boolean retryable = (type != null && (RETRYABLE_TYPES.contains(type)
                || RETRYABLE_TYPES.contains(Character.toUpperCase(type.charAt(0)) + type.substring(1))))
                || RETRYABLE_MESSAGE.matcher(msg).find();
        return new ProviderError(type == null ? "APICallError" : type, msg, null, retryable, null);
    }

    private static ProviderError fromStatus(int status, String message, String type, Duration retryAfter) {
        String msg = message == null || message.isBlank() ? "HTTP " + status : message;
        boolean retryable;
        if (FATAL_STATUS.contains(status)) {
            retryable = false;
        } else {
            retryable = RETRYABLE_STATUS.contains(status) || (type != null && RETRYABLE_TYPES.contains(type))
                    || RETRYABLE_MESSAGE.matcher(msg).find();
        }
        String name = type != null ? type : "APICallError";
        return new ProviderError(name, msg, status, retryable, retryAfter);
    }

    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String v = header.trim();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }
}
