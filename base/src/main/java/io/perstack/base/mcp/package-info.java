/** The base skill as a standalone MCP stdio server ({@code perstack mcp base-skill}, docs/base-skill.md §7). */
package io.perstack.base.mcp;
