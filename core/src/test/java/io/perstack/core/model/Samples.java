package io.perstack.core.model;

/**
 * Wire samples written from the field tables of docs/events.md §5 and docs/runtime.md §1 (field names exactly as documented).
 * Larger samples are assembled from the smaller ones.
 */
public final class Samples {
    private Samples() {}

    public static final String USAGE = """
            {"inputTokens": 1200, "outputTokens": 85, "reasoningTokens": 40, "totalTokens": 1585,
             "cachedInputTokens": 300}""";

    public static final String ZERO_USAGE = """
            {"inputTokens": 0, "outputTokens": 0, "reasoningTokens": 0, "totalTokens": 0, "cachedInputTokens": 0}""";

    public static final String EXPERT = """
            {"key": "greeter", "name": "greeter", "version": "1.0.0"}""";

    public static final String CHILD_EXPERT = """
            {"key": "@acme/researcher@2.1.0", "name": "@acme/researcher", "version": "2.1.0"}""";

    // ---- parts ----
    public static final String TEXT_PART = """
            {"id": "p0textaaaaaaaaaaaaaaaaaa", "type": "textPart", "text": "Say hello"}""";
    public static final String IMAGE_URL_PART = """
            {"id": "p1imgurlaaaaaaaaaaaaaaaa", "type": "imageUrlPart", "url": "https://example.com/cat.png",
             "mimeType": "image/png"}""";
    public static final String IMAGE_INLINE_PART = """
            {"id": "p2imginlineaaaaaaaaaaaaa", "type": "imageInlinePart", "encodedData": "iVBORw0KGgo=",
             "mimeType": "image/png"}""";
    public static final String IMAGE_BINARY_PART = """
            {"id": "p3imgbinaryaaaaaaaaaaaaa", "type": "imageBinaryPart", "data": "iVBORw0KGgo=",
             "mimeType": "image/png"}""";
    public static final String FILE_URL_PART = """
            {"id": "p4fileurlaaaaaaaaaaaaaaa", "type": "fileUrlPart", "url": "https://example.com/a.pdf",
             "mimeType": "application/pdf"}""";
    public static final String FILE_INLINE_PART = """
            {"id": "p5fileinlineaaaaaaaaaaaa", "type": "fileInlinePart", "encodedData": "JVBERi0xLjQ=",
             "mimeType": "application/pdf"}""";
    public static final String FILE_BINARY_PART = """
            {"id": "p6filebinaryaaaaaaaaaaaa", "type": "fileBinaryPart", "data": "JVBERi0xLjQ=",
             "mimeType": "application/pdf"}""";
    public static final String TOOL_CALL_PART = """
            {"id": "p7toolcallaaaaaaaaaaaaaa", "type": "toolCallPart", "toolCallId": "toolu_01",
             "toolName": "readTextFile", "args": {"path": "README.md", "range": {"from": 1, "to": 20}}}""";
    public static final String THINKING_PART = """
            {"id": "p8thinkingaaaaaaaaaaaaaa", "type": "thinkingPart", "thinking": "The user wants a file.",
             "signature": "EqQBCkYIBxgCKkA="}""";
    public static final String THINKING_PART_WITHOUT_SIGNATURE = """
            {"id": "p8thinkingbbbbbbbbbbbbbb", "type": "thinkingPart", "thinking": "Hmm."}""";
    public static final String TOOL_RESULT_PART = """
            {"id": "p9toolresultaaaaaaaaaaaa", "type": "toolResultPart", "toolCallId": "toolu_01",
             "toolName": "readTextFile",
             "contents": [%s, %s, %s]}""".formatted(TEXT_PART, IMAGE_INLINE_PART, FILE_INLINE_PART);
    public static final String ERROR_TOOL_RESULT_PART = """
            {"id": "p9toolresultbbbbbbbbbbbb", "type": "toolResultPart", "toolCallId": "toolu_02",
             "toolName": "exec", "contents": [{"id": "p0textbbbbbbbbbbbbbbbbbb", "type": "textPart",
             "text": "Error calling tool exec: boom"}], "isError": true}""";

    // ---- messages ----
    public static final String INSTRUCTION_MESSAGE = """
            {"id": "m0instructionaaaaaaaaaaa", "type": "instructionMessage",
             "contents": [{"id": "p0instructionaaaaaaaaaaa", "type": "textPart", "text": "You are a Perstack Expert."}],
             "cache": true}""";
    public static final String USER_MESSAGE = """
            {"id": "m1useraaaaaaaaaaaaaaaaaa", "type": "userMessage",
             "contents": [%s, %s, %s, %s, %s, %s, %s]}""".formatted(TEXT_PART, IMAGE_URL_PART, IMAGE_INLINE_PART,
            IMAGE_BINARY_PART, FILE_URL_PART, FILE_INLINE_PART, FILE_BINARY_PART);
    public static final String EXPERT_MESSAGE = """
            {"id": "m2expertaaaaaaaaaaaaaaaa", "type": "expertMessage",
             "contents": [%s, {"id": "p0textccccccccccccccccccc", "type": "textPart", "text": "Reading it."}, %s]}"""
            .formatted(THINKING_PART, TOOL_CALL_PART);
    public static final String TOOL_MESSAGE = """
            {"id": "m3toolaaaaaaaaaaaaaaaaaa", "type": "toolMessage", "contents": [%s, %s]}"""
            .formatted(TOOL_RESULT_PART, ERROR_TOOL_RESULT_PART);
    public static final String SIMPLE_USER_MESSAGE = """
            {"id": "m1userbbbbbbbbbbbbbbbbbb", "type": "userMessage",
             "contents": [{"id": "p0textdddddddddddddddddd", "type": "textPart", "text": "Say hello"}]}""";
    public static final String FINAL_EXPERT_MESSAGE = """
            {"id": "m2expertbbbbbbbbbbbbbbbb", "type": "expertMessage",
             "contents": [{"id": "p0texteeeeeeeeeeeeeeeeee", "type": "textPart", "text": "Hello!"}]}""";

    // ---- tool calls and results ----
    public static final String TOOL_CALL = """
            {"id": "toolu_01", "skillName": "@perstack/base", "toolName": "readTextFile",
             "args": {"path": "README.md"}}""";
    public static final String DELEGATE_TOOL_CALL = """
            {"id": "toolu_03", "skillName": "@acme/researcher", "toolName": "researcher",
             "args": {"query": "Find the release date"}}""";
    public static final String INTERACTIVE_TOOL_CALL = """
            {"id": "toolu_04", "skillName": "interactive", "toolName": "askUser", "args": {"question": "Which file?"}}""";
    public static final String TOOL_RESULT = """
            {"id": "toolu_01", "skillName": "@perstack/base", "toolName": "readTextFile",
             "result": [{"id": "p0textffffffffffffffffff", "type": "textPart", "text": "# Readme"}]}""";
    public static final String COMPLETION_RESULT = """
            {"id": "toolu_05", "skillName": "@perstack/base", "toolName": "attemptCompletion",
             "result": [{"id": "p0textgggggggggggggggggg", "type": "textPart", "text": "{}"}]}""";

    // ---- step ----
    public static final String FULL_STEP = """
            {"stepNumber": 3, "inputMessages": [%s], "newMessages": [%s, %s], "toolCalls": [%s, %s],
             "toolResults": [%s], "pendingToolCalls": [%s], "partialToolResults": [%s], "usage": %s,
             "startedAt": 1735689600000, "finishedAt": 1735689601234}"""
            .formatted(SIMPLE_USER_MESSAGE, EXPERT_MESSAGE, TOOL_MESSAGE, TOOL_CALL, DELEGATE_TOOL_CALL, TOOL_RESULT,
                    DELEGATE_TOOL_CALL, TOOL_RESULT, USAGE);
    public static final String MINIMAL_STEP = """
            {"stepNumber": 1, "newMessages": [], "usage": %s, "startedAt": 1735689600000}""".formatted(ZERO_USAGE);
    public static final String FINISHED_STEP = """
            {"stepNumber": 1, "newMessages": [%s], "usage": %s, "startedAt": 1735689600000,
             "finishedAt": 1735689602000}""".formatted(FINAL_EXPERT_MESSAGE, USAGE);

    // ---- checkpoints ----
    /** A checkpoint with the required fields only, for the given status. */
    public static String checkpoint(String status) {
        return """
                {"id": "c1checkpointaaaaaaaaaaaa", "jobId": "j1jobaaaaaaaaaaaaaaaaaaa",
                 "runId": "r1runaaaaaaaaaaaaaaaaaaa", "status": "%s", "stepNumber": 1,
                 "messages": [%s, %s], "expert": %s, "usage": %s}"""
                .formatted(status, INSTRUCTION_MESSAGE, SIMPLE_USER_MESSAGE, EXPERT, USAGE);
    }

    public static final String INIT_CHECKPOINT = """
            {"id": "c0checkpointaaaaaaaaaaaa", "jobId": "j1jobaaaaaaaaaaaaaaaaaaa",
             "runId": "r1runaaaaaaaaaaaaaaaaaaa", "status": "init", "stepNumber": 1, "messages": [],
             "expert": %s, "usage": %s, "contextWindow": 200000, "contextWindowUsage": 0}"""
            .formatted(EXPERT, ZERO_USAGE);

    public static final String COMPLETED_CHECKPOINT = """
            {"id": "c2checkpointaaaaaaaaaaaa", "jobId": "j1jobaaaaaaaaaaaaaaaaaaa",
             "runId": "r1runaaaaaaaaaaaaaaaaaaa", "status": "completed", "stepNumber": 1,
             "messages": [%s, %s, %s], "expert": %s, "usage": %s, "contextWindow": 200000,
             "contextWindowUsage": 0.0079, "retryCount": 0}"""
            .formatted(INSTRUCTION_MESSAGE, SIMPLE_USER_MESSAGE, FINAL_EXPERT_MESSAGE, EXPERT, USAGE);

    /** A delegated child that itself delegates and waits on further calls: every optional field present. */
    public static final String FULL_CHECKPOINT = """
            {"id": "c3checkpointaaaaaaaaaaaa", "jobId": "j1jobaaaaaaaaaaaaaaaaaaa",
             "runId": "r2runaaaaaaaaaaaaaaaaaaa", "status": "stoppedByDelegate", "stepNumber": 7,
             "messages": [%s, %s, %s, %s], "expert": %s,
             "delegateTo": [{"expert": %s, "toolCallId": "toolu_03", "toolName": "researcher",
                             "query": "Find the release date"}],
             "delegatedBy": {"expert": %s, "toolCallId": "toolu_00", "toolName": "writer",
                             "checkpointId": "c9parentaaaaaaaaaaaaaaaa", "runId": "r1runaaaaaaaaaaaaaaaaaaa"},
             "usage": %s, "contextWindow": 200000, "contextWindowUsage": 0.0079,
             "pendingToolCalls": [%s], "partialToolResults": [%s],
             "metadata": {"todos": {"nextId": 2, "items": [{"id": 0, "title": "Read the file", "completed": true},
                                                           {"id": 1, "title": "Summarise", "completed": false}]}},
             "retryCount": 1}"""
            .formatted(INSTRUCTION_MESSAGE, USER_MESSAGE, EXPERT_MESSAGE, TOOL_MESSAGE, EXPERT, CHILD_EXPERT,
                    EXPERT, USAGE, INTERACTIVE_TOOL_CALL, TOOL_RESULT);

    public static final String ERROR_CHECKPOINT = """
            {"id": "c4checkpointaaaaaaaaaaaa", "jobId": "j1jobaaaaaaaaaaaaaaaaaaa",
             "runId": "r1runaaaaaaaaaaaaaaaaaaa", "status": "stoppedByError", "stepNumber": 2,
             "messages": [%s], "expert": %s, "usage": %s,
             "error": {"name": "APICallError", "message": "Overloaded", "statusCode": 529, "isRetryable": false},
             "retryCount": 5}"""
            .formatted(SIMPLE_USER_MESSAGE, EXPERT, USAGE);

    public static final String ERROR = """
            {"name": "BudgetExceeded", "message": "Estimated job cost $0.5012 reached the budget of $0.5",
             "isRetryable": false}""";
}
