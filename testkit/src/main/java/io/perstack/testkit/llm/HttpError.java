package io.perstack.testkit.llm;

/**
 * The type and message of a scripted error for a given status: the script's own when given, else what the real
 * provider sends for that status, so retry classification by status, type or message (docs/providers.md §6) sees
 * realistic values.
 */
record HttpError(int status, Reply.ProviderError given) {

    String message() {
        if (given != null && given.message() != null) {
            return given.message();
        }
        return switch (status) {
            case 400 -> "Invalid request (scripted)";
            case 401 -> "Invalid API key (scripted)";
            case 403 -> "Permission denied (scripted)";
            case 404 -> "Not found (scripted)";
            case 408 -> "Request timeout (scripted)";
            case 413 -> "Request too large (scripted)";
            case 429 -> "Rate limit exceeded (scripted)";
            case 500 -> "Internal server error (scripted)";
            case 502 -> "Bad gateway (scripted)";
            case 503 -> "Service unavailable (scripted)";
            case 504 -> "Gateway timeout (scripted)";
            case 529 -> "Overloaded (scripted)";
            default -> "Scripted error (HTTP " + status + ")";
        };
    }

    String anthropicType() {
        if (given != null && given.type() != null) {
            return given.type();
        }
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    String openAiType() {
        if (given != null && given.type() != null) {
            return given.type();
        }
        return switch (status) {
            case 401 -> "invalid_request_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    String openAiCode() {
        return switch (status) {
            case 401 -> "invalid_api_key";
            case 429 -> "rate_limit_exceeded";
            default -> null;
        };
    }

    /** Google's canonical status name for the HTTP status. */
    String googleStatus() {
        if (given != null && given.type() != null) {
            return given.type();
        }
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }

    /** The AWS exception name Bedrock reports in {@code x-amzn-errortype}. */
    String bedrockType() {
        if (given != null && given.type() != null) {
            return given.type();
        }
        return switch (status) {
            case 400 -> "ValidationException";
            case 403 -> "AccessDeniedException";
            case 404 -> "ResourceNotFoundException";
            case 408 -> "ModelTimeoutException";
            case 429 -> "ThrottlingException";
            case 503 -> "ServiceUnavailableException";
            default -> status >= 500 ? "InternalServerException" : "ValidationException";
        };
    }
}
