package io.perstack.cli.tui;

import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.event.EventPayload.CallDelegate;
import io.perstack.core.event.EventPayload.CallInteractiveTool;
import io.perstack.core.event.EventPayload.CallTools;
import io.perstack.core.event.EventPayload.CompleteRun;
import io.perstack.core.event.EventPayload.ContinueToNextStep;
import io.perstack.core.event.EventPayload.InitializeRuntime;
import io.perstack.core.event.EventPayload.ResolveToolResults;
import io.perstack.core.event.EventPayload.Retry;
import io.perstack.core.event.EventPayload.StartRun;
import io.perstack.core.event.EventPayload.StopRunByDelegate;
import io.perstack.core.event.EventPayload.StopRunByError;
import io.perstack.core.event.EventPayload.StopRunByExceededMaxSteps;
import io.perstack.core.event.EventPayload.StopRunByInteractiveTool;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import io.perstack.cli.tui.RunNode.Phase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the live view knows about a job after the events seen so far. Immutable: {@link #next} returns the state after
 * one more event, so the view is a fold over the event stream and can be tested without a terminal.
 *
 * @param runs      every run seen, in start order (a continued run appears once per segment)
 * @param log       the activity log, append-only
 * @param streaming text being generated right now, or {@code null}
 * @param usage     tokens of every generation of every run seen (each generation counted once)
 * @param outcome   how the coordinator's run ended, {@code null} while it runs
 * @param shownCalls ids of tool calls already in the log (a call can be announced by more than one event)
 * @param segmentQuery what the run segment was started with (its query, or the answer it resumes with), shown when
 *                     the coordinator's run starts, or {@code null}
 */
public record LiveState(String jobId, String model, List<RunNode> runs, List<Activity> log, Streaming streaming,
                        Usage usage, Outcome outcome, int events, Set<String> shownCalls, String segmentQuery) {
    private static final int ARGS_WIDTH = 80;
    private static final int STREAM_KEPT = 600;

    public LiveState {
        runs = List.copyOf(runs);
        log = List.copyOf(log);
        shownCalls = Set.copyOf(shownCalls);
    }

    /** Text streaming in one run: reasoning or the final answer. Only the tail is kept. */
    public record Streaming(String runId, boolean reasoning, String text) {
        Streaming plus(String delta) {
            String all = text + (delta == null ? "" : delta);
            return new Streaming(runId, reasoning, all.length() > STREAM_KEPT
                    ? all.substring(all.length() - STREAM_KEPT) : all);
        }
    }

    public static LiveState empty() {
        return new LiveState(null, null, List.of(), List.of(), null, Usage.ZERO, null, 0, Set.of(), null);
    }

    /** The coordinator: the first run without a delegating parent, or {@code null} before it started. */
    public RunNode root() {
        return runs.stream().filter(r -> r.depth() == 0).reduce((a, b) -> b).orElse(null);
    }

    public LiveState next(Event e) {
        LiveState s = new LiveState(jobId == null ? e.jobId() : jobId, model, runs, log, streaming, usage, outcome,
                events + 1, shownCalls, segmentQuery);
        return switch (e.payload()) {
            case InitializeRuntime init -> s.initialized(init);
            case StartRun start -> s.started(e, start);
            case EventPayload.StartGeneration g -> s.phase(e, Phase.GENERATING);
            case EventPayload.StartStreamingReasoning r ->
                    s.withStreaming(new Streaming(e.runId(), true, "")).phase(e, Phase.REASONING);
            case EventPayload.StreamReasoning r -> s.streamed(e, r.delta());
            case EventPayload.CompleteStreamingReasoning r -> s.withStreaming(null).phase(e, Phase.GENERATING);
            case EventPayload.StartStreamingRunResult r ->
                    s.withStreaming(new Streaming(e.runId(), false, "")).phase(e, Phase.WRITING);
            case EventPayload.StreamRunResult r -> s.streamed(e, r.delta());
            case EventPayload.CompleteStreamingRunResult r -> s.withStreaming(null);
            case CallTools c -> s.called(e, c.toolCalls(), c.usage()).phase(e, Phase.CALLING_TOOLS);
            // Both follow the callTools of the same generation and repeat its usage: counted there, not again.
            case CallInteractiveTool c -> s.called(e, List.of(c.toolCall()), null).phase(e, Phase.ASKING);
            case CallDelegate c -> s.called(e, c.toolCalls(), null).phase(e, Phase.DELEGATING);
            case ResolveToolResults r -> s.answered(e, r.toolResults());
            case Retry r -> s.append(new Activity.Retried(s.depthOf(e), Snippet.line(reason(r.reason()), ARGS_WIDTH)))
                    .plus(r.usage());
            case ContinueToNextStep c -> s.node(e, n -> n.at(c.nextCheckpoint().stepNumber(), Phase.GENERATING));
            case CompleteRun c -> s.plus(c.usage()).ended(e, c.checkpoint(), Phase.COMPLETED,
                    new Activity.RunCompleted(s.depthOf(e), e.expertKey(),
                            Snippet.lines(c.text(), s.depthOf(e) == 0 ? 8 : 1, 200)), new Outcome.Completed());
            case StopRunByInteractiveTool stop -> s.waiting(e, stop.checkpoint());
            // Not an ending: the job runs the delegates next and then resumes this run in a new segment.
            case StopRunByDelegate stop -> s.withStreaming(null).phase(e, Phase.DELEGATING);
            case StopRunByExceededMaxSteps stop -> s.ended(e, stop.checkpoint(), Phase.STOPPED,
                    new Activity.RunStopped(s.depthOf(e), e.expertKey(), "maximum steps reached"),
                    new Outcome.MaxStepsReached(stop.checkpoint().stepNumber()));
            case StopRunByError stop -> {
                String error = Snippet.line(stop.error() == null ? "unknown error"
                        : stop.error().name() + ": " + stop.error().message(), 200);
                yield s.ended(e, stop.checkpoint(), Phase.FAILED, new Activity.RunFailed(s.depthOf(e),
                        e.expertKey(), error), new Outcome.Failed(error));
            }
            default -> s;
        };
    }

    private LiveState started(Event e, StartRun start) {
        Checkpoint initial = start.initialCheckpoint();
        String parent = initial == null || initial.delegatedBy() == null ? null : initial.delegatedBy().runId();
        int depth = parent == null ? 0 : runs.stream().filter(r -> r.runId().equals(parent)).findFirst()
                .map(r -> r.depth() + 1).orElse(1);
        int step = e.stepNumber() != null ? e.stepNumber() : initial == null ? 1 : initial.stepNumber();
        List<RunNode> next = new ArrayList<>(runs);
        next.add(new RunNode(e.runId(), parent, e.expertKey(), depth, step, Phase.STARTING));
        // A fresh coordinator segment starts a new ending: the outcome of an earlier segment no longer holds.
        String query = query(start.inputMessages());
        // A coordinator that resumes after its delegates is started with their results, which are not the user's.
        boolean afterDelegates = depth == 0 && root() != null && root().phase() == Phase.DELEGATING;
        if (query.isEmpty() && depth == 0 && segmentQuery != null && !afterDelegates) {
            query = segmentQuery;
        }
        // The segment's query belongs to its first coordinator start only, not to a resumption after delegates.
        LiveState s = new LiveState(jobId, model, next, log, streaming, usage, depth == 0 ? null : outcome, events,
                shownCalls, depth == 0 ? null : segmentQuery);
        return s.append(new Activity.RunStarted(depth, e.expertKey(), Snippet.line(query, ARGS_WIDTH)));
    }

    private LiveState called(Event e, List<ToolCall> calls, Usage spent) {
        LiveState s = plus(spent);
        Set<String> shown = new HashSet<>(shownCalls);
        for (ToolCall call : calls == null ? List.<ToolCall>of() : calls) {
            if (shown.add(call.id())) {
                s = s.append(new Activity.ToolCalled(depthOf(e), Snippet.line(call.toolName(), 60),
                        Snippet.args(call.args(), ARGS_WIDTH)));
            }
        }
        return new LiveState(s.jobId, s.model, s.runs, s.log, s.streaming, s.usage, s.outcome, s.events, shown, s.segmentQuery);
    }

    private LiveState answered(Event e, List<ToolResult> results) {
        LiveState s = this;
        for (ToolResult r : results == null ? List.<ToolResult>of() : results) {
            s = s.append(new Activity.ToolAnswered(depthOf(e), Snippet.line(r.toolName(), 60),
                    Snippet.line(Snippet.text(r.result()), ARGS_WIDTH), Boolean.TRUE.equals(r.isError())));
        }
        return s;
    }

    private LiveState waiting(Event e, Checkpoint cp) {
        List<ToolCall> pending = cp.pendingToolCalls() == null ? List.of() : cp.pendingToolCalls();
        String tool = pending.isEmpty() ? "a tool" : Snippet.line(pending.getFirst().toolName(), 60);
        String question = pending.isEmpty() ? "" : Snippet.args(pending.getFirst().args(), 200);
        return ended(e, cp, Phase.ASKING, new Activity.RunStopped(depthOf(e), e.expertKey(),
                "waiting for an answer to " + tool), new Outcome.WaitingForAnswer(tool, question));
    }

    private LiveState ended(Event e, Checkpoint cp, Phase phase, Activity activity, Outcome ending) {
        LiveState s = withStreaming(null).node(e, n -> n.at(cp == null ? n.step() : cp.stepNumber(), phase))
                .append(activity);
        boolean root = depthOf(e) == 0;
        return root ? new LiveState(s.jobId, s.model, s.runs, s.log, s.streaming, s.usage, ending, s.events,
                s.shownCalls, s.segmentQuery) : s;
    }

    private LiveState streamed(Event e, String delta) {
        return streaming == null ? this : withStreaming(streaming.plus(delta));
    }

    private LiveState phase(Event e, Phase phase) {
        return node(e, n -> n.at(e.stepNumber() != null ? e.stepNumber() : n.step(), phase));
    }

    private LiveState node(Event e, java.util.function.UnaryOperator<RunNode> change) {
        List<RunNode> next = new ArrayList<>(runs);
        for (int i = next.size() - 1; i >= 0; i--) {
            if (next.get(i).runId().equals(e.runId())) {
                next.set(i, change.apply(next.get(i)));
                return new LiveState(jobId, model, next, log, streaming, usage, outcome, events, shownCalls, segmentQuery);
            }
        }
        return this;
    }

    private int depthOf(Event e) {
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i).runId().equals(e.runId())) {
                return runs.get(i).depth();
            }
        }
        return 0;
    }

    private LiveState append(Activity a) {
        List<Activity> next = new ArrayList<>(log.size() + 1);
        next.addAll(log);
        next.add(a);
        return new LiveState(jobId, model, runs, next, streaming, usage, outcome, events, shownCalls, segmentQuery);
    }

    private LiveState plus(Usage spent) {
        return spent == null ? this
                : new LiveState(jobId, model, runs, log, streaming, usage.plus(spent), outcome, events, shownCalls, segmentQuery);
    }

    private LiveState withStreaming(Streaming st) {
        return new LiveState(jobId, model, runs, log, st, usage, outcome, events, shownCalls, segmentQuery);
    }

    private LiveState initialized(InitializeRuntime init) {
        String started = init.interactiveToolCall() != null ? "answer: " + init.interactiveToolCall().text()
                : init.query();
        return new LiveState(jobId, model == null ? init.model() : model, runs, log, streaming, usage, outcome, events,
                shownCalls, started);
    }

    /** The user's text of a run's input, or the answer it resumes with. */
    private static String query(List<Message> input) {
        String text = "";
        for (Message m : input == null ? List.<Message>of() : input) {
            if (m instanceof Message.UserMessage u) {
                text = Snippet.text(u.contents().stream().filter(MessagePart.class::isInstance)
                        .map(MessagePart.class::cast).toList());
            } else if (m instanceof Message.ToolMessage t && !t.contents().isEmpty()) {
                text = "answer: " + Snippet.text(t.contents().getFirst().contents());
            }
        }
        return text;
    }

    /** A retry's reason is a JSON string {@code {"error","message"}}; the message is what a reader wants. */
    private static String reason(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = io.perstack.core.json.Json.mapper().readTree(json);
            return n.path("message").asText(n.path("error").asText(json));
        } catch (java.io.IOException | RuntimeException notJson) {
            return json == null ? "" : json;
        }
    }
}
