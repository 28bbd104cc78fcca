/**
 * {@code perstack log}: reads stored history (never an LLM), selects events with the filters of docs/cli.md §5 and prints
 * them for a terminal (untrusted text sanitised) or as JSON.
 */
package io.perstack.cli.log;
