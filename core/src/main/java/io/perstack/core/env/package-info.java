/**
 * The merged environment of one invocation: the process environment plus {@code .env} files, where files never
 * override real variables (docs/configuration.md §8). Values here are secrets: never logged, never written to disk.
 */
package io.perstack.core.env;
