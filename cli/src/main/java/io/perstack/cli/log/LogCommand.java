package io.perstack.cli.log;

import io.perstack.runtime.storage.FileStorage;
import io.perstack.core.policy.TerminalText;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code perstack log}: inspect stored history without calling an LLM (docs/cli.md §5). */
@Command(name = "log", mixinStandardHelpOptions = true,
        description = "View execution history and events for debugging (never calls an LLM).")
public final class LogCommand implements Callable<Integer> {
    private static final int DEFAULT_TAKE = 100;
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    @Option(names = "--job", paramLabel = "<jobId>", description = "Events of one job (all runs) and its checkpoints")
    String job;

    @Option(names = "--run", paramLabel = "<runId>",
            description = "Events of one run (job from --job, else the latest job)")
    String run;

    @Option(names = "--checkpoint", paramLabel = "<checkpointId>",
            description = "Checkpoint details and the events of its run (job from --job, else the latest job)")
    String checkpoint;

    @Option(names = "--step", paramLabel = "<step>", description = "Step filter: 5, >5, >=5, <5, <=5 or 1-10")
    String step;

    @Option(names = "--type", paramLabel = "<eventType>", description = "Only events of this exact type")
    String type;

    @Option(names = "--errors", description = "Only stopRunByError and retry events")
    boolean errors;

    @Option(names = "--tools", description = "Only callTools, resolveToolResults and callInteractiveTool events")
    boolean tools;

    @Option(names = "--delegations", description = "Only callDelegate and stopRunByDelegate events")
    boolean delegations;

    @Option(names = "--filter", paramLabel = "<expression>",
            description = "Filter expression, e.g. '.toolCalls[].toolName == \"exec\"'")
    String filter;

    @Option(names = "--json", description = "Output as JSON")
    boolean json;

    @Option(names = "--pretty", description = "JSON output indented by 2 spaces")
    boolean pretty;

    @Option(names = "--verbose", description = "Show tool arguments in full")
    boolean verbose;

    @Option(names = "--take", paramLabel = "<n>", description = "Number of events to show (default: 100; 0 = all)")
    String take;

    @Option(names = "--offset", paramLabel = "<n>", description = "Number of matched events to skip (default: 0)")
    String offset;

    @Option(names = "--context", paramLabel = "<n>",
            description = "Add up to N neighbouring events before and after each shown match")
    String context;

    @Option(names = "--messages", description = "With --checkpoint: list the checkpoint's messages")
    boolean messages;

    @Option(names = "--summary", description = "Add totals: events, errors, tool calls, delegations, step range")
    boolean summary;

    @Override
    public Integer call() {
        // UTF-8 whatever the locale says: the output has box-drawing rules, marks and stored text in any script.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        try {
            EventQuery query = new EventQuery(step == null ? null : StepFilter.parse(step), type, errors, tools,
                    delegations, filter == null ? null : FilterExpression.parse(filter),
                    count("--take", take, DEFAULT_TAKE), count("--offset", offset, 0), count("--context", context, 0));
            Path root = storageRoot();
            Optional<LogView> view = new LogSource(new FileStorage(root), root.toString())
                    .read(job, run, checkpoint, query);
            if (view.isEmpty()) {
                out.println("No data found");
                return 0;
            }
            out.println(json || pretty ? JsonFormat.render(view.get(), pretty)
                    : TerminalFormat.render(view.get(), verbose, messages, summary));
            out.flush();
            return 0;
        } catch (IllegalArgumentException | NoSuchElementException e) {
            // Shown escaped, not stripped: the message quotes what the user typed, and should show all of it.
            err.println("Error: " + TerminalText.visible(e.getMessage()));
            return 1;
        }
    }

    /** {@code $PERSTACK_STORAGE_PATH}, else {@code ./perstack}. */
    private static Path storageRoot() {
        String fromEnv = System.getenv("PERSTACK_STORAGE_PATH");
        Path cwd = Path.of("").toAbsolutePath();
        return (fromEnv == null || fromEnv.isBlank() ? cwd.resolve("perstack") : cwd.resolve(fromEnv)).normalize();
    }

    private static int count(String option, String value, int otherwise) {
        if (value == null) {
            return otherwise;
        }
        String v = value.trim();
        if (!INTEGER.matcher(v).matches()) {
            throw new IllegalArgumentException("Invalid value for " + option + ": \"" + value
                    + "\" is not a valid number");
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException tooLarge) {
            n = v.startsWith("-") ? -1 : Integer.MAX_VALUE;
        }
        if (n < 0) {
            throw new IllegalArgumentException("Invalid value for " + option + ": \"" + value
                    + "\" must be non-negative");
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }
}
