/**
 * The HTTP transport under the provider libraries: the JDK client with our proxy settings, response headers kept
 * on errors (for {@code Retry-After}), and per-generation cancellation so a timeout can abort a stream.
 */
package io.perstack.llm.http;
