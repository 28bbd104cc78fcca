package io.perstack.testkit.llm;

/** The provider protocol a request arrived on; the server renders each reply in the protocol of its route. */
public enum Wire {
    /** Anthropic Messages API, {@code POST …/messages}. */
    ANTHROPIC,
    /** OpenAI Chat Completions API, {@code POST …/chat/completions} (also Azure OpenAI and DeepSeek paths). */
    OPENAI,
    /** Google Gemini {@code POST …/models/<m>:generateContent} and {@code :streamGenerateContent?alt=sse}. */
    GEMINI,
    /** Amazon Bedrock {@code POST /model/<id>/converse} and {@code /converse-stream} (binary event stream). */
    BEDROCK,
    /** Ollama {@code POST /api/chat}, NDJSON when streaming. */
    OLLAMA,
    /** No scripted route matched; the server answered 404. */
    UNKNOWN
}
