/**
 * Provider SPI and adapters (docs/providers.md). Only {@code io.perstack.llm} is API; the adapters
 * ({@code anthropic}, {@code bedrock}, {@code google}, {@code http}, {@code langchain}, {@code ollama},
 * {@code openai}) are reached through {@code Providers} and stay internal.
 */
// "module": qualified exports name siblings built later in the reactor; "requires-automatic": third-party
// jars without a module-info are read as automatic modules.
@SuppressWarnings({"module", "requires-automatic"})
module io.perstack.llm {
    requires transitive io.perstack.core;
    requires java.net.http;
    // LangChain4j 1.18 jars carry no Automatic-Module-Name; these are the names derived from the jar names.
    requires langchain4j.core;
    requires langchain4j.http.client;
    requires langchain4j.open.ai;
    requires langchain4j.google.ai.gemini;
    requires langchain4j.ollama;

    exports io.perstack.llm;
}
