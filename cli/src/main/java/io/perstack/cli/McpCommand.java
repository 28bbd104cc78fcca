package io.perstack.cli;

import io.perstack.base.mcp.BaseSkillMcpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code perstack mcp …}: Perstack as an MCP server (docs/cli.md §10). */
@Command(name = "mcp", mixinStandardHelpOptions = true, description = "Serve Perstack over MCP (stdio).",
        subcommands = {McpCommand.BaseSkill.class})
final class McpCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.err);
    }

    /**
     * {@code perstack mcp base-skill [--workspace <dir>]}: the base skill's tools as a stdio MCP server, for
     * {@code perstackBaseSkillCommand} (docs/skills.md §5). stdout carries nothing but MCP.
     */
    @Command(name = "base-skill", mixinStandardHelpOptions = true,
            description = "Serve the @perstack/base tools as a stdio MCP server.")
    static final class BaseSkill implements Callable<Integer> {
        @Option(names = "--workspace", paramLabel = "<workspace>",
                description = "Workspace directory the tools work in (default: current directory)")
        String workspace;

        @Override
        public Integer call() throws Exception {
            List<String> args = new ArrayList<>();
            if (workspace != null) {
                args.add("--workspace");
                args.add(workspace);
            }
            BaseSkillMcpServer.main(args.toArray(String[]::new));
            return ExitCodes.OK;
        }
    }
}
