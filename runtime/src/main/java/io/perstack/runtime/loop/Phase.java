package io.perstack.runtime.loop;

/** The states of docs/runtime.md §5; which one runs next depends only on the event the last one produced. */
enum Phase {
    INIT, PREPARING_FOR_STEP, GENERATING_TOOL_CALL, CALLING_TOOL, RESOLVING_TOOL_RESULT, GENERATING_RUN_RESULT,
    CALLING_INTERACTIVE_TOOL, CALLING_DELEGATE, FINISHING_STEP, STOPPED
}
