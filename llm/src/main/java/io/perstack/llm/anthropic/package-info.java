/**
 * The Anthropic Messages API provider, spoken directly (no LangChain4j), with extended thinking and system-prompt
 * caching; request JSON is encoded once per message and reused across the steps of a run.
 */
package io.perstack.llm.anthropic;
