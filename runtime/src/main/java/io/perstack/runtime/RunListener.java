package io.perstack.runtime;

import io.perstack.core.event.Event;

/**
 * Receives every event of a job in emission order. Called synchronously from the emitting thread; parallel
 * children may call concurrently, so implementations must be thread-safe.
 */
@FunctionalInterface
public interface RunListener {
    void onEvent(Event event);

    /** A notice for a person (a retry's wait); most listeners only want events. */
    default void onNotice(RunNotice notice) {
    }
}
