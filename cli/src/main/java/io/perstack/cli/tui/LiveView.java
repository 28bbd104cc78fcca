package io.perstack.cli.tui;

import io.perstack.core.event.Event;
import io.perstack.runtime.RunListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The live view of a job on a terminal: folds every event into a {@link LiveState} and shows it through a
 * {@link FooterPane}. Streaming deltas redraw at most every {@value #STREAM_REDRAW_MS} ms; every other event redraws.
 * The full events still go to the job history through storage; this view only shows a summary.
 */
public final class LiveView implements RunListener {
    private static final long STREAM_REDRAW_MS = 50;
    private final LiveScreen screen;
    private final FooterPane pane;
    private final IntSupplier width;
    private final boolean commands;
    private LiveState state = LiveState.empty();
    private long lastDraw;
    private boolean ended;

    /**
     * @param commands whether the ending spells out the command that continues the job ({@code perstack run}); the
     *                 terminal UI asks for the answer itself instead
     */
    public LiveView(LiveScreen screen, FooterPane pane, IntSupplier width, boolean commands) {
        this.screen = screen;
        this.pane = pane;
        this.width = width;
        this.commands = commands;
    }

    @Override
    public synchronized void onEvent(Event event) {
        if (ended) {
            return;
        }
        LiveState before = state;
        state = state.next(event);
        List<StyledLine> printed = new ArrayList<>();
        for (int i = before.log().size(); i < state.log().size(); i++) {
            printed.addAll(screen.log(state.log().get(i)));
        }
        boolean delta = event.payload() instanceof io.perstack.core.event.EventPayload.StreamReasoning
                || event.payload() instanceof io.perstack.core.event.EventPayload.StreamRunResult;
        long now = System.nanoTime() / 1_000_000;
        if (state.outcome() != null) {
            printed.addAll(screen.ending(state, commands));
            pane.update(printed, List.of());
            ended = true;
        } else if (!printed.isEmpty() || !delta || now - lastDraw >= STREAM_REDRAW_MS) {
            pane.update(printed, screen.footer(state, width.getAsInt()));
            lastDraw = now;
        }
    }

    /** Shows the first frame before any event arrives (skills may take a moment to start). */
    public synchronized void begin() {
        pane.update(List.of(), screen.footer(state, width.getAsInt()));
    }

    /** Removes the footer if the job ended without a coordinator outcome (an error before or outside the loop). */
    public synchronized void close() {
        if (!ended) {
            pane.update(List.of(), List.of());
            ended = true;
        }
    }

    public synchronized LiveState state() {
        return state;
    }
}
