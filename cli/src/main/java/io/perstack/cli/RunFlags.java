package io.perstack.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options shared by {@code run} and {@code start} (docs/cli.md §2). Help texts state the real defaults. */
final class RunFlags {
    /**
     * These flags for one run of the terminal UI: a new job (the command line's job and continuation flags are for
     * its first run only), or a continuation of {@code resume}'s job (from a chosen checkpoint, answering its
     * pending call when asked to).
     */
    RunFlags resumed(io.perstack.cli.tui.Resume resume) {
        RunFlags f = new RunFlags();
        f.config = config; f.provider = provider; f.model = model; f.reasoningBudget = reasoningBudget;
        f.maxSteps = maxSteps; f.maxRetries = maxRetries; f.timeout = timeout; f.envPath = new ArrayList<>(envPath);
        f.env = new ArrayList<>(env); f.verbose = verbose; f.requireLimits = requireLimits; f.runtime = runtime;
        f.workspace = workspace; f.maxCostUsd = maxCostUsd; f.json = json;
        if (!resume.isNew()) {
            f.continueJob = resume.jobId();
            f.resumeFrom = resume.checkpointId();
            f.interactive = resume.answer();
        }
        return f;
    }

    @Option(names = "--config", paramLabel = "<configPath>",
            description = "Path or raw.githubusercontent.com URL of perstack.toml (default: search upward from the current directory)")
    String config;

    @Option(names = "--provider", paramLabel = "<provider>",
            description = "LLM provider: anthropic, google, openai, ollama, azure-openai, amazon-bedrock, google-vertex, deepseek (default: from perstack.toml, else anthropic)")
    String provider;

    @Option(names = "--model", paramLabel = "<model>",
            description = "Model id (default: from perstack.toml, else claude-sonnet-4-5)")
    String model;

    @Option(names = "--reasoning-budget", paramLabel = "<budget>",
            description = "none, minimal, low, medium, high, or a token count (default: low)")
    String reasoningBudget;

    @Option(names = "--max-steps", paramLabel = "<maxSteps>",
            description = "Maximum steps for the whole job (default: 100)")
    String maxSteps;

    @Option(names = "--max-retries", paramLabel = "<maxRetries>",
            description = "Maximum generation retries (default: 5)")
    String maxRetries;

    @Option(names = "--timeout", paramLabel = "<timeout>",
            description = "Timeout of each LLM generation in milliseconds (default: 300000)")
    String timeout;

    @Option(names = "--job-id", paramLabel = "<jobId>", description = "Id for a new job (default: generated)")
    String jobId;

    @Option(names = "--env-path", paramLabel = "<path>",
            description = "Env file to load; repeatable (default: envPath from perstack.toml, else .env and .env.local)")
    List<String> envPath = new ArrayList<>();

    @Option(names = "--env", paramLabel = "<name>",
            description = "Environment variable name to pass to all skills and exec in this invocation; repeatable")
    List<String> env = new ArrayList<>();

    @Option(names = "--verbose", description = "Verbose diagnostics on stderr (image builds, proxy decisions)")
    boolean verbose;

    @Option(names = "--require-limits",
            description = "Refuse to start when a sandbox resource limit cannot be enforced (sandbox.requireLimits)")
    boolean requireLimits;

    @Option(names = "--continue", description = "Continue the most recent job with a new query")
    boolean continueLatest;

    @Option(names = "--continue-job", paramLabel = "<jobId>",
            description = "Continue the given job from its latest checkpoint")
    String continueJob;

    @Option(names = "--resume-from", paramLabel = "<checkpointId>",
            description = "Start from a specific checkpoint of the job given by --continue-job")
    String resumeFrom;

    @Option(names = {"-i", "--interactive-tool-call-result"},
            description = "Treat the query as the answer to the pending interactive tool call")
    boolean interactive;

    @Option(names = "--runtime", paramLabel = "<runtime>",
            description = "Where skills and exec run: sandbox, docker, local (default: runtime from perstack.toml, else sandbox on Linux)")
    String runtime;

    @Option(names = "--workspace", paramLabel = "<workspace>",
            description = "Workspace directory given to skills and file tools (default: current directory)")
    String workspace;

    @Option(names = "--json",
            description = "Print every event as one JSON line even when stdout is a terminal (default: a live view on a terminal, JSON lines otherwise)")
    boolean json;

    @Option(names = "--max-cost-usd", paramLabel = "<amount>",
            description = "Stop the job when its estimated cost reaches this amount (default: maxCostUsd from perstack.toml, else no budget)")
    String maxCostUsd;
}
