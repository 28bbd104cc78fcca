/** The host's package managers, run by the trusted runtime to fill the skill package cache (docs/sandbox.md §3). */
package io.perstack.sandbox.packages;
