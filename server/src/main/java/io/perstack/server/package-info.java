/** The HTTP API and dashboard over stored history; not built yet beyond its place in the layout. */
package io.perstack.server;
