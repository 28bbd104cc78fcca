/** The {@code sandbox} backend (isolation.md §6): one bubblewrap sandbox per process, egress only through the proxy. */
package io.perstack.sandbox.bwrap;
