package io.perstack.runtime.event;

import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.runtime.RunListener;
import io.perstack.runtime.RunNotice;
import io.perstack.runtime.storage.Storage;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends each event to storage and listeners in the documented order: a checkpoint carried by the event is durable
 * before anyone sees the event (docs/events.md §7.2).
 */
public final class Emitter {
    private final Storage storage;
    private final List<RunListener> listeners;
    private final Consumer<Event> persisted;

    public Emitter(Storage storage, List<RunListener> listeners) {
        this(storage, listeners, e -> { });
    }

    /**
     * @param persisted called with each event once it (and its checkpoint) is stored and before any listener sees
     *                  it: the job loop keeps the job record in step with the checkpoints there
     */
    public Emitter(Storage storage, List<RunListener> listeners, Consumer<Event> persisted) {
        this.storage = storage;
        this.listeners = List.copyOf(listeners);
        this.persisted = persisted;
    }

    public void emit(Event event) {
        if (event.payload() instanceof EventPayload.WithCheckpoint carrying) {
            storage.writeCheckpoint(carrying.checkpoint());
        }
        if (event.isPersisted()) {
            storage.appendEvent(event);
        }
        persisted.accept(event);
        for (RunListener l : listeners) {
            l.onEvent(event);
        }
    }

    /** Passes a notice to every listener; notices are neither stored nor part of the event stream. */
    public void notice(RunNotice notice) {
        for (RunListener l : listeners) {
            l.onNotice(notice);
        }
    }

    public Storage storage() {
        return storage;
    }
}
