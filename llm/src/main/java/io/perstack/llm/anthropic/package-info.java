/** The Anthropic Messages API provider, through LangChain4j, with extended thinking and system-prompt caching. */
package io.perstack.llm.anthropic;
