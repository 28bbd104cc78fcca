package io.perstack.core.event;

import io.perstack.core.model.Samples;
import java.util.LinkedHashMap;
import java.util.Map;

/** One documented flat JSON sample per event type (docs/events.md §2–§4), keyed by the wire {@code type}. */
final class EventSamples {
    private EventSamples() {}

    static String run(String type, int step, String payload) {
        return """
                {"type": "%s", "id": "e%sxxxxxxxxxxxxxxxxxxxxxx", "expertKey": "greeter",
                 "timestamp": 1735689600123, "jobId": "j1jobaaaaaaaaaaaaaaaaaaa", "runId": "r1runaaaaaaaaaaaaaaaaaaa",
                 "stepNumber": %d%s}""".formatted(type, step, step, payload.isEmpty() ? "" : ", " + payload);
    }

    static String runtime(String type, String payload) {
        return """
                {"type": "%s", "id": "e0runtimexxxxxxxxxxxxxxx", "timestamp": 1735689600001,
                 "jobId": "j1jobaaaaaaaaaaaaaaaaaaa", "runId": "r1runaaaaaaaaaaaaaaaaaaa", %s}"""
                .formatted(type, payload);
    }

    static final Map<String, String> STATE = new LinkedHashMap<>();
    static final Map<String, String> STREAMING = new LinkedHashMap<>();
    static final Map<String, String> RUNTIME = new LinkedHashMap<>();

    static {
        STATE.put("startRun", run("startRun", 1, """
                "initialCheckpoint": %s, "inputMessages": [%s, %s]"""
                .formatted(Samples.INIT_CHECKPOINT, Samples.INSTRUCTION_MESSAGE, Samples.SIMPLE_USER_MESSAGE)));
        STATE.put("startGeneration", run("startGeneration", 1, """
                "messages": [%s, %s]""".formatted(Samples.INSTRUCTION_MESSAGE, Samples.SIMPLE_USER_MESSAGE)));
        STATE.put("retry", run("retry", 2, """
                "reason": "{\\"error\\":\\"Error: Tool call generation failed\\",\\"message\\":\\"Generation length exceeded. Try again.\\"}",
                "newMessages": [%s, %s], "toolCalls": [%s], "toolResults": [%s], "usage": %s"""
                .formatted(Samples.EXPERT_MESSAGE, Samples.TOOL_MESSAGE, Samples.TOOL_CALL, Samples.TOOL_RESULT,
                        Samples.USAGE)));
        STATE.put("callTools", run("callTools", 2, """
                "newMessage": %s, "toolCalls": [%s, %s, %s], "usage": %s"""
                .formatted(Samples.EXPERT_MESSAGE, Samples.TOOL_CALL, Samples.DELEGATE_TOOL_CALL,
                        Samples.INTERACTIVE_TOOL_CALL, Samples.USAGE)));
        STATE.put("callInteractiveTool", run("callInteractiveTool", 2, """
                "newMessage": %s, "toolCall": %s, "usage": %s"""
                .formatted(Samples.EXPERT_MESSAGE, Samples.INTERACTIVE_TOOL_CALL, Samples.USAGE)));
        STATE.put("callDelegate", run("callDelegate", 2, """
                "newMessage": %s, "toolCalls": [%s], "usage": %s"""
                .formatted(Samples.EXPERT_MESSAGE, Samples.DELEGATE_TOOL_CALL, Samples.USAGE)));
        STATE.put("resolveToolResults", run("resolveToolResults", 2, """
                "toolResults": [%s]""".formatted(Samples.TOOL_RESULT)));
        STATE.put("attemptCompletion", run("attemptCompletion", 2, """
                "toolResult": %s, "toolResults": [%s, %s]"""
                .formatted(Samples.COMPLETION_RESULT, Samples.TOOL_RESULT, Samples.COMPLETION_RESULT)));
        STATE.put("finishToolCall", run("finishToolCall", 2, """
                "newMessages": [%s]""".formatted(Samples.TOOL_MESSAGE)));
        STATE.put("resumeToolCalls", run("resumeToolCalls", 3, """
                "pendingToolCalls": [%s], "partialToolResults": [%s]"""
                .formatted(Samples.INTERACTIVE_TOOL_CALL, Samples.TOOL_RESULT)));
        STATE.put("finishAllToolCalls", run("finishAllToolCalls", 3, """
                "newMessages": [%s]""".formatted(Samples.TOOL_MESSAGE)));
        STATE.put("continueToNextStep", run("continueToNextStep", 2, """
                "checkpoint": %s, "step": %s, "nextCheckpoint": %s"""
                .formatted(Samples.checkpoint("proceeding"), Samples.FULL_STEP,
                        Samples.checkpoint("proceeding").replace("c1checkpoint", "c2checkpoint"))));
        STATE.put("stopRunByInteractiveTool", run("stopRunByInteractiveTool", 2, """
                "checkpoint": %s, "step": %s"""
                .formatted(Samples.checkpoint("stoppedByInteractiveTool"), Samples.FULL_STEP)));
        STATE.put("stopRunByDelegate", run("stopRunByDelegate", 7, """
                "checkpoint": %s, "step": %s""".formatted(Samples.FULL_CHECKPOINT, Samples.FULL_STEP)));
        STATE.put("stopRunByExceededMaxSteps", run("stopRunByExceededMaxSteps", 100, """
                "checkpoint": %s, "step": %s"""
                .formatted(Samples.checkpoint("stoppedByExceededMaxSteps"), Samples.MINIMAL_STEP)));
        STATE.put("stopRunByError", run("stopRunByError", 2, """
                "checkpoint": %s, "step": %s, "error": {"name": "APICallError", "message": "Overloaded",
                "statusCode": 529, "isRetryable": false}"""
                .formatted(Samples.ERROR_CHECKPOINT, Samples.MINIMAL_STEP)));
        STATE.put("completeRun", run("completeRun", 1, """
                "checkpoint": %s, "step": %s, "text": "Hello!", "usage": %s"""
                .formatted(Samples.COMPLETED_CHECKPOINT, Samples.FINISHED_STEP, Samples.USAGE)));

        STREAMING.put("startStreamingReasoning", run("startStreamingReasoning", 1, ""));
        STREAMING.put("streamReasoning", run("streamReasoning", 1, "\"delta\": \"The user wants\""));
        STREAMING.put("completeStreamingReasoning", run("completeStreamingReasoning", 1,
                "\"text\": \"The user wants a greeting.\""));
        STREAMING.put("startStreamingRunResult", run("startStreamingRunResult", 1, ""));
        STREAMING.put("streamRunResult", run("streamRunResult", 1, "\"delta\": \"Hel\""));
        STREAMING.put("completeStreamingRunResult", run("completeStreamingRunResult", 1, "\"text\": \"Hello!\""));

        RUNTIME.put("initializeRuntime", runtime("initializeRuntime", """
                "runtimeVersion": "0.1.0", "runtime": "sandbox", "expertName": "greeter",
                "experts": ["greeter", "@acme/researcher@2.1.0"], "model": "claude-sonnet-4-5", "maxSteps": 100,
                "maxRetries": 5, "timeout": 300000, "query": "Say hello",
                "interactiveToolCall": {"toolName": "askUser", "toolCallId": "toolu_04", "text": "README.md"}"""));
        RUNTIME.put("skillStarting", runtime("skillStarting", """
                "skillName": "@acme/search", "command": "npx", "args": ["-y", "@acme/search-mcp@1.2.3"]"""));
        RUNTIME.put("skillConnected", runtime("skillConnected", """
                "skillName": "@acme/search", "serverInfo": {"name": "search", "version": "1.2.3"},
                "connectDurationMs": 812, "totalDurationMs": 845, "spawnDurationMs": 120,
                "handshakeDurationMs": 600, "toolDiscoveryDurationMs": 33"""));
        RUNTIME.put("skillStderr", runtime("skillStderr", """
                "skillName": "@acme/search", "message": "[perstack: 12 stderr lines suppressed]\""""));
        RUNTIME.put("skillDisconnected", runtime("skillDisconnected", """
                "skillName": "@perstack/base\""""));
        RUNTIME.put("dockerBuildProgress", runtime("dockerBuildProgress", """
                "stage": "building", "service": "tools", "message": "Step 3/7", "progress": 0.42"""));
        RUNTIME.put("dockerContainerStatus", runtime("dockerContainerStatus", """
                "status": "healthy", "service": "proxy", "message": "ready\""""));
        RUNTIME.put("proxyAccess", runtime("proxyAccess", """
                "action": "blocked", "domain": "169.254.169.254", "port": 80,
                "reason": "destination is link-local", "skillName": "exec\""""));
    }

    static Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>();
        all.putAll(STATE);
        all.putAll(STREAMING);
        all.putAll(RUNTIME);
        return all;
    }
}
