package io.perstack.llm;

/**
 * The provider-specific part of resolved settings, typed per provider so a client reads fields, not string keys
 * parsed back. Holds no secrets (organization and project are account identifiers, redacted anyway).
 */
public sealed interface ProviderOptions {
    /** Nothing beyond the base URL, headers and credentials. */
    None NONE = new None();

    record None() implements ProviderOptions {}

    /** OpenAI's {@code OpenAI-Organization} and {@code OpenAI-Project}; each {@code null} when unset. */
    record OpenAi(String organization, String project) implements ProviderOptions {}

    /** Azure's {@code api-version} query value and whether requests address {@code /deployments/<model>}. */
    record Azure(String apiVersion, boolean deploymentUrls) implements ProviderOptions {}

    /** The AWS region requests are signed for. */
    record Bedrock(String region) implements ProviderOptions {}

    /** Where the publisher-model URL points; both {@code null} when a base URL was given instead. */
    record Vertex(String project, String location) implements ProviderOptions {}
}
