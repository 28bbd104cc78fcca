package io.perstack.skills.mcp;

import java.time.Duration;

/**
 * Time limits of MCP servers (docs/skills.md §2, §9). The defaults are the documented values; tests shorten them so a
 * server that never answers does not cost a minute.
 *
 * @param start    spawn + {@code initialize} + {@code tools/list}
 * @param call     one {@code tools/call} without progress notifications
 * @param callMax  one {@code tools/call} however often progress extends it
 * @param shutdown how long a server may take to exit after its stdin is closed, before it is terminated
 */
public record McpLimits(Duration start, Duration call, Duration callMax, Duration shutdown) {
    public static final McpLimits DEFAULT = new McpLimits(Duration.ofSeconds(60), Duration.ofSeconds(60),
            Duration.ofMinutes(10), Duration.ofSeconds(2));
}
