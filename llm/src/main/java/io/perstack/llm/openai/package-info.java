/** OpenAI Chat Completions and the providers that speak it: OpenAI, Azure OpenAI and DeepSeek, via LangChain4j. */
package io.perstack.llm.openai;
