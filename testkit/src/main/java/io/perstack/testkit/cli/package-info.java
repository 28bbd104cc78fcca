/**
 * Runs the real {@code perstack} CLI as a child process for conformance tests and reads what it printed: events
 * from stdout, diagnostics from stderr, files from the storage root.
 */
package io.perstack.testkit.cli;
