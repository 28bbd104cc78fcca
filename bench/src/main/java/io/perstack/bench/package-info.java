/**
 * Benchmarks that drive the runtime through its Java API against the scripted LLM server; they report numbers and
 * assert nothing (run them with {@code bench/concurrent.sh}).
 */
package io.perstack.bench;
