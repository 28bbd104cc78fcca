/**
 * Skills give an Expert its tools: tool skills (the in-process base skill and MCP servers), delegates and
 * interactive tools, assembled per run segment into a {@link io.perstack.skills.SkillSet} that routes tool calls.
 */
package io.perstack.skills;
