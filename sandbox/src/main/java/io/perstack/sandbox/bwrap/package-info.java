/** The {@code sandbox} backend (docs/sandbox.md): one bubblewrap sandbox per process, egress only through the proxy. */
package io.perstack.sandbox.bwrap;
