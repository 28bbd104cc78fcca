package io.perstack.core.event;

import io.perstack.core.event.EventPayload.*;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** The wire name of every payload type, and back. */
public final class EventTypes {
    // Filled once here and then immutable: no static mutable state.
    private static final Map<Class<? extends EventPayload>, String> NAMES;
    private static final Map<String, Class<? extends EventPayload>> TYPES;

    static {
        Map<Class<? extends EventPayload>, String> names = new HashMap<>();
        Map<String, Class<? extends EventPayload>> types = new HashMap<>();
        BiConsumer<Class<? extends EventPayload>, String> register = (type, name) -> {
            names.put(type, name);
            types.put(name, type);
        };
        register.accept(StartRun.class, "startRun");
        register.accept(StartGeneration.class, "startGeneration");
        register.accept(Retry.class, "retry");
        register.accept(CallTools.class, "callTools");
        register.accept(CallInteractiveTool.class, "callInteractiveTool");
        register.accept(CallDelegate.class, "callDelegate");
        register.accept(ResolveToolResults.class, "resolveToolResults");
        register.accept(AttemptCompletion.class, "attemptCompletion");
        register.accept(FinishToolCall.class, "finishToolCall");
        register.accept(ResumeToolCalls.class, "resumeToolCalls");
        register.accept(FinishAllToolCalls.class, "finishAllToolCalls");
        register.accept(ContinueToNextStep.class, "continueToNextStep");
        register.accept(StopRunByInteractiveTool.class, "stopRunByInteractiveTool");
        register.accept(StopRunByDelegate.class, "stopRunByDelegate");
        register.accept(StopRunByExceededMaxSteps.class, "stopRunByExceededMaxSteps");
        register.accept(StopRunByError.class, "stopRunByError");
        register.accept(CompleteRun.class, "completeRun");
        register.accept(StartStreamingReasoning.class, "startStreamingReasoning");
        register.accept(StreamReasoning.class, "streamReasoning");
        register.accept(CompleteStreamingReasoning.class, "completeStreamingReasoning");
        register.accept(StartStreamingRunResult.class, "startStreamingRunResult");
        register.accept(StreamRunResult.class, "streamRunResult");
        register.accept(CompleteStreamingRunResult.class, "completeStreamingRunResult");
        register.accept(InitializeRuntime.class, "initializeRuntime");
        register.accept(SkillStarting.class, "skillStarting");
        register.accept(SkillConnected.class, "skillConnected");
        register.accept(SkillStderr.class, "skillStderr");
        register.accept(SkillDisconnected.class, "skillDisconnected");
        register.accept(DockerBuildProgress.class, "dockerBuildProgress");
        register.accept(DockerContainerStatus.class, "dockerContainerStatus");
        register.accept(ProxyAccess.class, "proxyAccess");
        NAMES = Map.copyOf(names);
        TYPES = Map.copyOf(types);
    }

    private EventTypes() {}

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
