package io.perstack.runtime.loop;

import io.perstack.core.model.Message;
import io.perstack.llm.GenerationDeadline;
import io.perstack.llm.GenerationListener;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.llm.LlmClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The next step's generation, started while this step's checkpoint is still being persisted and emitted: the
 * provider then works during the fsyncs instead of after them. Nothing observable moves: the events and their order
 * are unchanged, because streamed deltas are held back until the next step takes the generation over (after its
 * {@code startGeneration} event). A generation nobody takes over is abandoned, which cancels its exchange.
 */
final class EarlyGeneration {
    private final List<Message> messages;
    private final CompletableFuture<GenerationOutcome> outcome = new CompletableFuture<>();
    /** Deltas that arrived before {@link #join}, in order; guarded by {@code this}. */
    private final List<Delta> held = new ArrayList<>();
    /** Where deltas go once the step took over; guarded by {@code this}. */
    private GenerationListener target;
    private Thread thread;

    private sealed interface Delta {
        record Reasoning(String text) implements Delta {}

        record Text(String text) implements Delta {}
    }

    private EarlyGeneration(List<Message> messages) {
        this.messages = messages;
    }

    /** Starts {@code request} on its own thread, registered with {@code control} so cancelling the run reaches it. */
    static EarlyGeneration start(LlmClient llm, GenerationRequest request, List<Message> messages,
                                 RunControl control) {
        EarlyGeneration g = new EarlyGeneration(messages);
        GenerationListener relay = new GenerationListener() {
            @Override
            public void reasoningDelta(String delta) {
                g.deliver(new Delta.Reasoning(delta));
            }

            @Override
            public void textDelta(String delta) {
                g.deliver(new Delta.Text(delta));
            }
        };
        g.thread = Thread.ofVirtual().name("perstack-early-generation").start(() -> {
            control.enter();
            try {
                g.outcome.complete(llm.generate(request, relay));
            } catch (RuntimeException | Error e) {
                g.outcome.completeExceptionally(e);
            } finally {
                control.leave();
            }
        });
        return g;
    }

    /** Whether this generation was asked for exactly this history (the same list the step would send). */
    boolean isFor(List<Message> history) {
        return messages == history;
    }

    /**
     * Hands the held deltas, then every later one, to {@code listener} and waits for the outcome. An interrupt
     * (the run being cancelled) abandons the generation, as it would a generation started by the step itself.
     */
    GenerationOutcome join(GenerationListener listener) {
        synchronized (this) {
            for (Delta d : held) {
                replay(d, listener);
            }
            held.clear();
            target = listener;
        }
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            abandon();
            Thread.currentThread().interrupt();
            return GenerationDeadline.cancelled();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Cancels the exchange (the client treats an interrupt of the waiting thread as cancellation). */
    void abandon() {
        thread.interrupt();
    }

    private synchronized void deliver(Delta d) {
        if (target == null) {
            held.add(d);
        } else {
            replay(d, target);
        }
    }

    private static void replay(Delta d, GenerationListener listener) {
        switch (d) {
            case Delta.Reasoning r -> listener.reasoningDelta(r.text());
            case Delta.Text t -> listener.textDelta(t.text());
        }
    }
}
