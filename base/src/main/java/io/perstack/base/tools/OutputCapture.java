package io.perstack.base.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drains one output stream of a child on its own thread, keeping the first {@code limit} bytes and counting the
 * rest. Reading never stops early: a child blocked on a full pipe would otherwise hang until its timeout.
 */
final class OutputCapture {
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CountDownLatch done = new CountDownLatch(1);
    private long total;

    private OutputCapture(int limit) {
        this.limit = limit;
    }

    static OutputCapture start(InputStream in, int limit) {
        OutputCapture capture = new OutputCapture(limit);
        Thread.ofVirtual().name("exec-output").start(() -> capture.drain(in));
        return capture;
    }

    private void drain(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (this) {
                    int keep = (int) Math.max(0, Math.min(n, limit - total));
                    kept.write(buffer, 0, keep);
                    total += n;
                }
            }
        } catch (IOException e) {
            // The stream was closed under us (process gone): what was read so far is the output.
        } finally {
            done.countDown();
        }
    }

    /** Waits until the stream ends; {@code false} when a stray holder of the pipe keeps it open past the wait. */
    boolean await(Duration wait) throws InterruptedException {
        return done.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The kept text, with the truncation marker of docs/base-skill.md §4 when output was cut. */
    synchronized String text() {
        String text = kept.toString(StandardCharsets.UTF_8);
        if (total > limit) {
            text += "\n[perstack: output truncated after " + limit + " bytes; " + total + " bytes total]";
        }
        return text;
    }
}
