package io.perstack.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Message;
import io.perstack.core.model.Message.ExpertMessage;
import io.perstack.core.model.MessageRef;
import io.perstack.core.model.RunError;
import io.perstack.core.model.Step;
import io.perstack.core.model.ToolCall;
import io.perstack.core.model.ToolResult;
import io.perstack.core.model.Usage;
import java.util.List;

/** The type-specific fields of an event. The wire {@code type} name is derived by {@link EventTypes}. */
public sealed interface EventPayload permits EventPayload.State, EventPayload.Streaming, EventPayload.Runtime {

    /** One per state-machine transition; persisted. */
    sealed interface State extends EventPayload {}

    /** Display of reasoning and result text while it is generated; deltas are never persisted. */
    sealed interface Streaming extends EventPayload {}

    /** Infrastructure events; they carry no expert key and no step number. */
    sealed interface Runtime extends EventPayload {}

    /** A state event that carries a checkpoint, which is persisted before the event is emitted. */
    sealed interface WithCheckpoint extends State {
        Checkpoint checkpoint();

        Step step();
    }

    /** A state event that ends a run. */
    sealed interface Terminal extends WithCheckpoint {}

    // ---- state events ----
    record StartRun(Checkpoint initialCheckpoint, List<Message> inputMessages) implements State {}

    /**
     * {@code messages} in the wire form; the stored form (docs/events.md §8, docs/storage.md §5) carries {@code messageRef}
     * instead and readers expand it back.
     */
    record StartGeneration(List<Message> messages, MessageRef messageRef) implements State {
        public StartGeneration(List<Message> messages) {
            this(messages, null);
        }
    }

    record Retry(String reason, List<Message> newMessages, List<ToolCall> toolCalls, List<ToolResult> toolResults,
                 Usage usage) implements State {}

    record CallTools(ExpertMessage newMessage, List<ToolCall> toolCalls, Usage usage) implements State {}

    record CallInteractiveTool(ExpertMessage newMessage, ToolCall toolCall, Usage usage) implements State {}

    record CallDelegate(ExpertMessage newMessage, List<ToolCall> toolCalls, Usage usage) implements State {}

    record ResolveToolResults(List<ToolResult> toolResults) implements State {}

    record AttemptCompletion(ToolResult toolResult, List<ToolResult> toolResults) implements State {}

    record FinishToolCall(List<Message> newMessages) implements State {}

    record ResumeToolCalls(List<ToolCall> pendingToolCalls, List<ToolResult> partialToolResults) implements State {}

    record FinishAllToolCalls(List<Message> newMessages) implements State {}

    record ContinueToNextStep(Checkpoint checkpoint, Step step, Checkpoint nextCheckpoint) implements WithCheckpoint {}

    record StopRunByInteractiveTool(Checkpoint checkpoint, Step step) implements Terminal {}

    record StopRunByDelegate(Checkpoint checkpoint, Step step) implements Terminal {}

    record StopRunByExceededMaxSteps(Checkpoint checkpoint, Step step) implements Terminal {}

    record StopRunByError(Checkpoint checkpoint, Step step, RunError error) implements Terminal {}

    record CompleteRun(Checkpoint checkpoint, Step step, String text, Usage usage) implements Terminal {}

    // ---- streaming events ----
    record StartStreamingReasoning() implements Streaming {}

    record StreamReasoning(String delta) implements Streaming {}

    record CompleteStreamingReasoning(String text) implements Streaming {}

    record StartStreamingRunResult() implements Streaming {}

    record StreamRunResult(String delta) implements Streaming {}

    record CompleteStreamingRunResult(String text) implements Streaming {}

    // ---- runtime events ----
    record InitializeRuntime(String runtimeVersion, String runtime, String expertName, List<String> experts,
                             String model, Integer maxSteps, int maxRetries, long timeout, String query,
                             InteractiveToolCall interactiveToolCall) implements Runtime {
        public record InteractiveToolCall(String toolName, String toolCallId, String text) {}
    }

    record SkillStarting(String skillName, String command, List<String> args) implements Runtime {}

    record SkillConnected(String skillName, ServerInfo serverInfo, Long connectDurationMs, Long totalDurationMs,
                          Long spawnDurationMs, Long handshakeDurationMs, Long toolDiscoveryDurationMs)
            implements Runtime {
        public record ServerInfo(String name, String version) {}
    }

    record SkillStderr(String skillName, String message) implements Runtime {}

    record SkillDisconnected(String skillName) implements Runtime {}

    record DockerBuildProgress(String stage, String service, String message, Double progress) implements Runtime {}

    record DockerContainerStatus(String status, String service, String message) implements Runtime {}

    record ProxyAccess(String action, String domain, int port, String reason, String skillName) implements Runtime {}

    /** Placeholder for a stored event of a type this version does not know; kept verbatim. */
    record Unknown(String type, JsonNode fields) implements Runtime {}
}
