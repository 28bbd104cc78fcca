package io.perstack.testkit.llm;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The replies not yet served, consumed by concurrent requests under one lock so each reply goes out exactly once. */
final class ScriptCursor {
    private final List<Slot> pending = new ArrayList<>();
    private final Reply fallback;
    private int served;

    ScriptCursor(Script script) {
        script.replies().forEach(r -> pending.add(new Slot(r, r.repeat())));
        this.fallback = script.fallback();
    }

    /** The outcome of looking for a reply: the reply to send, or why there is none. */
    sealed interface Next {
        record Serve(Reply reply) implements Next {}

        record Exhausted(String reason) implements Next {}
    }

    synchronized Next next(RecordedRequest request) {
        for (Iterator<Slot> it = pending.iterator(); it.hasNext(); ) {
            Slot slot = it.next();
            if (slot.reply.match() == null || slot.reply.match().accepts(request)) {
                if (--slot.remaining == 0) {
                    it.remove();
                }
                served++;
                return new Next.Serve(slot.reply);
            }
        }
        if (fallback != null) {
            served++;
            return new Next.Serve(fallback);
        }
        String reason = pending.isEmpty()
                ? "Scripted LLM server: the script is exhausted (" + served + " replies served, no fallback) at "
                        + request.method() + " " + request.path() + " request #" + request.index()
                : "Scripted LLM server: no pending reply matches " + request.method() + " " + request.path()
                        + " request #" + request.index() + " (" + remaining() + " replies pending, all with match "
                        + "conditions that this request does not meet)";
        return new Next.Exhausted(reason);
    }

    synchronized int remaining() {
        return pending.stream().mapToInt(s -> s.remaining).sum();
    }

    private static final class Slot {
        final Reply reply;
        int remaining;

        Slot(Reply reply, int remaining) {
            this.reply = reply;
            this.remaining = remaining;
        }
    }
}
