/**
 * The agent loop of one run segment: a state machine whose every state produces exactly one event, checkpointed at
 * each step boundary (docs/runtime.md §5–§11).
 */
package io.perstack.runtime.loop;
