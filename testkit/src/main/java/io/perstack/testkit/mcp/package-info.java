/** A hostile MCP server for security and robustness tests: it misbehaves on purpose, over stdio or HTTP. */
package io.perstack.testkit.mcp;
