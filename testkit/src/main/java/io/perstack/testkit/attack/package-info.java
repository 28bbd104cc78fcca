/** The hostile MCP server of docs/testing.md §4: attack tools that must fail inside an isolation backend. */
package io.perstack.testkit.attack;
