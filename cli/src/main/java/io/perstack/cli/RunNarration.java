package io.perstack.cli;

import io.perstack.core.config.ProviderKind;
import io.perstack.core.event.Event;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.RunError;
import io.perstack.core.model.ToolCall;
import io.perstack.core.policy.TerminalText;
import io.perstack.runtime.RunListener;
import io.perstack.runtime.RunNotice;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The human sentences of a run on stderr (docs/cli.md §3): a line per retry while it waits, and when the run ends
 * other than completed, what happened and the exact command that goes on from there. The event stream on stdout is
 * not touched. Provider and model text is untrusted: it is folded onto one line and stripped before it is printed.
 */
final class RunNarration implements RunListener {
    private static final Pattern SAFE_ARGUMENT = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");
    private static final int MAX_DETAIL = 300;

    /**
     * What the narration needs to know about the invocation.
     *
     * @param expertKey the Expert run
     * @param provider  the provider, which names its key variables for the hint after a refused credential
     * @param endpoint  where generations go ({@code host:port}), {@code null} when unknown
     * @param carried   the flags a continuation must repeat ({@code --config x}, {@code --runtime local})
     */
    record Context(String expertKey, ProviderKind provider, String endpoint, List<String> carried) {
        Context {
            carried = List.copyOf(carried);
        }
    }

    private final Context context;
    private final PrintStream err;

    RunNarration(Context context, PrintStream err) {
        this.context = context;
        this.err = err;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void onNotice(RunNotice notice) {
        if (notice instanceof RunNotice.RetryScheduled retry) {
            err.println(retryLine(retry, context.endpoint()));
        }
    }

    /** {@code Retrying in 2 s (attempt 2/5): connection refused (ConnectException) to api.anthropic.com:443} */
    static String retryLine(RunNotice.RetryScheduled retry, String endpoint) {
        long ms = retry.delay().toMillis();
        String wait = ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        return "Retrying in " + wait + " (attempt " + retry.attempt() + "/" + retry.maxRetries() + "): "
                + cause(retry.errorName(), retry.message(), retry.statusCode(), endpoint);
    }

    private static String cause(String name, String message, Integer status, String endpoint) {
        StringBuilder out = new StringBuilder(detail(message));
        if (status != null) {
            out.append(" (HTTP ").append(status).append(')');
        } else if (name != null && !name.equals("Error") && !detail(message).contains(name)) {
            out.append(" (").append(TerminalText.oneLine(name)).append(')');
        }
        if (endpoint != null) {
            out.append(status != null ? " from " : " to ").append(endpoint);
        }
        return out.toString();
    }

    private static String detail(String message) {
        String line = TerminalText.oneLine(message == null ? "" : message).strip();
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "…" : line;
    }

    /**
     * The lines for a run that ended as {@code result}: nothing when it completed; otherwise the reason and the
     * command that continues the job.
     */
    List<String> ending(Checkpoint result) {
        String job = result.jobId();
        List<String> lines = new ArrayList<>();
        switch (result.status()) {
            case COMPLETED -> {
            }
            case STOPPED_BY_INTERACTIVE_TOOL -> {
                List<ToolCall> pending = result.pendingToolCalls() == null ? List.of() : result.pendingToolCalls();
                String asked = pending.isEmpty() ? "an interactive tool" : pending.getFirst().toolName()
                        + shortArguments(pending.getFirst());
                lines.add("The Expert is waiting for your answer to " + asked + ".");
                lines.add("Answer with: " + command("<answer>", job, "-i"));
            }
            case STOPPED_BY_EXCEEDED_MAX_STEPS -> {
                lines.add("Stopped after step " + result.stepNumber() + ": the job reached its maximum number of "
                        + "steps (--max-steps).");
                lines.add("Continue with: " + command("<next query>", job, "--max-steps", "<more steps>"));
            }
            case STOPPED_BY_ERROR -> {
                lines.add(errorLine(result.error()));
                lines.add("The job is kept: perstack log --job " + job + " --errors; continue with: "
                        + command("<next query>", job));
            }
            default -> lines.add("The run stopped (" + result.status() + "); continue with: "
                    + command("<next query>", job));
        }
        return lines;
    }

    /** For Ctrl-C and SIGTERM: the last checkpoint is kept, and this continues from it. */
    List<String> interrupted(String jobId) {
        return List.of("Interrupted; the job's last checkpoint is kept. Continue with: "
                + command("<next query>", jobId));
    }

    String errorLine(RunError error) {
        if (error == null) {
            return "The run stopped with an error.";
        }
        String name = error.name() == null ? "Error" : error.name();
        String message = detail(error.message());
        Integer status = error.statusCode();
        return switch (name) {
            case "BudgetExceeded" -> "Stopped: " + message + ". Raise --max-cost-usd (or maxCostUsd in "
                    + "perstack.toml) to go on.";
            case "SkillInitError" -> "A skill failed to start: " + TerminalText.strip(String.valueOf(error.message()));
            case "MaxRetriesExceeded", "UnexpectedFinishReason" -> "The model's answer could not be used: "
                    + message;
            default -> providerLine(name, message, status);
        };
    }

    private String providerLine(String name, String message, Integer status) {
        String from = context.provider().wireName() + (context.endpoint() == null ? "" : " at " + context.endpoint());
        String cause = cause(name, message, status, null);
        if (status == null) {
            return "Could not reach " + from + ": " + cause + ". Check the network and the provider's base URL "
                    + "(provider.baseUrl in perstack.toml or the provider's *_BASE_URL variable).";
        }
        return switch (status) {
            case 401, 403 -> "The provider " + from + " refused the credentials: " + cause + ". Check "
                    + keyVariables() + ".";
            case 404 -> "The provider " + from + " does not know this request: " + cause + ". Check the model "
                    + "name (--model or model in perstack.toml) and the provider's base URL.";
            case 400, 413, 422 -> "The provider " + from + " rejected the request: " + cause + ".";
            default -> "The provider " + from + " failed: " + cause + ". Try again later or raise --max-retries.";
        };
    }

    private String keyVariables() {
        List<String> names = context.provider().keyVariables();
        return names.isEmpty() ? "the provider's API key" : String.join(" and ", names);
    }

    private static String shortArguments(ToolCall call) {
        if (call.args() == null || call.args().isEmpty()) {
            return "";
        }
        String text = TerminalText.oneLine(call.args().toString());
        return " " + (text.length() > 120 ? text.substring(0, 120) + "…" : text);
    }

    /** {@code perstack run <expert> "<query>" --continue-job <job> [carried flags] [extra]}, shell-quoted. */
    private String command(String placeholder, String jobId, String... extra) {
        List<String> words = new ArrayList<>(List.of("perstack", "run", quote(context.expertKey()),
                "\"" + placeholder + "\"", "--continue-job", quote(jobId)));
        context.carried().forEach(w -> words.add(quote(w)));
        words.addAll(List.of(extra));
        return String.join(" ", words);
    }

    static String quote(String word) {
        if (SAFE_ARGUMENT.matcher(word).matches()) {
            return word;
        }
        return "'" + TerminalText.oneLine(word).replace("'", "'\\''") + "'";
    }

    /** {@code host:port} of a base URL, or {@code null} when it cannot be told. */
    static String endpoint(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(baseUrl);
            if (uri.getHost() == null) {
                return null;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
            return TerminalText.oneLine(uri.getHost()) + ":" + port;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
