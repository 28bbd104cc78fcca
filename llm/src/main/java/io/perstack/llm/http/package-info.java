/**
 * The HTTP transport under the provider libraries: blocking HTTP/1.1 over pooled connections with our proxy and TLS
 * settings, response headers kept on errors (for {@code Retry-After}), and per-generation cancellation.
 */
package io.perstack.llm.http;
