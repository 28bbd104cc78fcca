/**
 * Bridge to LangChain4j chat models: our messages and tool definitions to theirs, one streaming generation with a
 * whole-call deadline, and their responses back to our results.
 */
package io.perstack.llm.langchain;
