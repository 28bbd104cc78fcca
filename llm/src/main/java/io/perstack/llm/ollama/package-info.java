/** Ollama's {@code /api/chat} through LangChain4j: local models, NDJSON streaming, optional {@code think}. */
package io.perstack.llm.ollama;
