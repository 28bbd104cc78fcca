/**
 * Emitting events: checkpoints persisted before the event that carries them, then storage, then listeners; and
 * the JSON-lines writer that puts every event on stdout.
 */
package io.perstack.runtime.event;
