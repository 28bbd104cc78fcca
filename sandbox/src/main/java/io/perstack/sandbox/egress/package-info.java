/** The egress proxy of docs/isolation.md §5: the only way out of a sandbox, HTTPS CONNECT to allowlisted public hosts. */
package io.perstack.sandbox.egress;
