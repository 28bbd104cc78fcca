package io.perstack.core.event;

import io.perstack.core.event.EventPayload.*;
import java.util.HashMap;
import java.util.Map;

/** The wire name of every payload type, and back. */
public final class EventTypes {
    private static final Map<Class<? extends EventPayload>, String> NAMES = new HashMap<>();
    private static final Map<String, Class<? extends EventPayload>> TYPES = new HashMap<>();

    static {
        register(StartRun.class, "startRun");
        register(StartGeneration.class, "startGeneration");
        register(Retry.class, "retry");
        register(CallTools.class, "callTools");
        register(CallInteractiveTool.class, "callInteractiveTool");
        register(CallDelegate.class, "callDelegate");
        register(ResolveToolResults.class, "resolveToolResults");
        register(AttemptCompletion.class, "attemptCompletion");
        register(FinishToolCall.class, "finishToolCall");
        register(ResumeToolCalls.class, "resumeToolCalls");
        register(FinishAllToolCalls.class, "finishAllToolCalls");
        register(ContinueToNextStep.class, "continueToNextStep");
        register(StopRunByInteractiveTool.class, "stopRunByInteractiveTool");
        register(StopRunByDelegate.class, "stopRunByDelegate");
        register(StopRunByExceededMaxSteps.class, "stopRunByExceededMaxSteps");
        register(StopRunByError.class, "stopRunByError");
        register(CompleteRun.class, "completeRun");
        register(StartStreamingReasoning.class, "startStreamingReasoning");
        register(StreamReasoning.class, "streamReasoning");
        register(CompleteStreamingReasoning.class, "completeStreamingReasoning");
        register(StartStreamingRunResult.class, "startStreamingRunResult");
        register(StreamRunResult.class, "streamRunResult");
        register(CompleteStreamingRunResult.class, "completeStreamingRunResult");
        register(InitializeRuntime.class, "initializeRuntime");
        register(SkillStarting.class, "skillStarting");
        register(SkillConnected.class, "skillConnected");
        register(SkillStderr.class, "skillStderr");
        register(SkillDisconnected.class, "skillDisconnected");
        register(DockerBuildProgress.class, "dockerBuildProgress");
        register(DockerContainerStatus.class, "dockerContainerStatus");
        register(ProxyAccess.class, "proxyAccess");
    }

    private EventTypes() {}

    private static void register(Class<? extends EventPayload> type, String name) {
        NAMES.put(type, name);
        TYPES.put(name, type);
    }

    public static String nameOf(EventPayload payload) {
        if (payload instanceof Unknown u) {
            return u.type();
        }
        return NAMES.get(payload.getClass());
    }

    /** The payload class of a wire name, or {@code null} when the name is unknown. */
    public static Class<? extends EventPayload> typeOf(String name) {
        return TYPES.get(name);
    }
}
