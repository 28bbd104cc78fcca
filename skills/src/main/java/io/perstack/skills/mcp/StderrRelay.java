package io.perstack.skills.mcp;

import io.perstack.core.event.EventPayload;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Turns a skill's diagnostic lines (stderr, and stray non-protocol stdout) into {@code skillStderr} events
 * (docs/events.md §4): one trimmed line of at most 4096 characters each, at most 100 per second. A server that floods
 * gets its surplus dropped and counted, so it can neither flood the event stream nor stall by filling its pipe.
 * Credentials are redacted first. After {@link #close()} nothing more is emitted, so no line follows
 * {@code skillDisconnected}.
 */
final class StderrRelay implements AutoCloseable {
    static final int MAX_CHARS = 4096;
    private static final int LINES_PER_WINDOW = 100;
    private static final long WINDOW_NANOS = 1_000_000_000L;
    private static final int TAIL_LINES = 5;
    private static final int TAIL_CHARS = 300;

    private final String skillName;
    private final Consumer<EventPayload.Runtime> events;
    private final UnaryOperator<String> redact;
    private long windowStart = System.nanoTime();
    private int inWindow;
    private long suppressed;
    private boolean closed;
    /** The last lines seen, redacted, for the message of a skill that fails to start. */
    private final java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();

    /** @param redact removes credentials before a line leaves (SR-33): it reaches stdout and storage */
    StderrRelay(String skillName, Consumer<EventPayload.Runtime> events, UnaryOperator<String> redact) {
        this.skillName = skillName;
        this.events = events;
        this.redact = redact;
    }

    /** Reports one line; blank lines are skipped. */
    synchronized void line(String raw) {
        if (closed) {
            return;
        }
        String text = raw.strip();
        if (text.isEmpty()) {
            return;
        }
        String redacted = redact.apply(text);
        if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
        }
        tail.addLast(redacted.length() > TAIL_CHARS ? redacted.substring(0, TAIL_CHARS) + "…" : redacted);
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            flushSuppressed();
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= LINES_PER_WINDOW) {
            suppressed++;
            return;
        }
        inWindow++;
        emit(cut(redacted));
    }

    /** The last few lines reported (at most five, each cut to 300 characters), oldest first. */
    synchronized java.util.List<String> lastLines() {
        return java.util.List.copyOf(tail);
    }

    /** Reports stdout output that is not MCP (docs/skills.md §2); it does not break the connection. */
    void nonProtocol(String raw) {
        line("[perstack: non-protocol output] " + cut(raw.strip()));
    }

    private void flushSuppressed() {
        if (suppressed > 0) {
            emit("[perstack: " + suppressed + " stderr lines suppressed]");
            suppressed = 0;
        }
    }

    private void emit(String message) {
        try {
            events.accept(new EventPayload.SkillStderr(skillName, message));
        } catch (RuntimeException e) {
            // A failing sink must not kill the reader thread: the pipe would fill and stall the server.
        }
    }

    static String cut(String text) {
        if (text.length() <= MAX_CHARS) {
            return text;
        }
        int end = MAX_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    /** Reports the count of lines still suppressed, then stops relaying. */
    @Override
    public synchronized void close() {
        if (!closed) {
            flushSuppressed();
            closed = true;
        }
    }
}
