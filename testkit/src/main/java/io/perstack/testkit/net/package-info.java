/** Network doubles of docs/testing.md §1: local TLS servers with a test certificate and a recording resolver. */
package io.perstack.testkit.net;
