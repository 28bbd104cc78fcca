/**
 * The {@code perstack} command line: picocli commands that turn flags, {@code perstack.toml} and the environment
 * into run settings, run Experts through the runtime API, and map outcomes to exit codes.
 */
package io.perstack.cli;
