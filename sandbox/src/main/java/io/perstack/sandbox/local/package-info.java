/** The {@code local} backend: plain child processes in their own session, no isolation beyond a clean environment. */
package io.perstack.sandbox.local;
