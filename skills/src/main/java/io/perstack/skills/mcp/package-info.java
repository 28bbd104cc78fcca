/** MCP skills: stdio servers launched through the isolation backend, SSE and streamable HTTP servers, on the MCP SDK. */
package io.perstack.skills.mcp;
