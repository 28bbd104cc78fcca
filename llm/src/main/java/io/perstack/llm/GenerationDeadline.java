package io.perstack.llm;

import io.perstack.llm.http.Cancellation;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The wait for a generation running on another thread, under its deadline (connect to last byte). On expiry or an
 * interrupt the exchange is cancelled and {@code done} completed, so a stream still arriving stops delivering deltas.
 */
public final class GenerationDeadline {
    private GenerationDeadline() {}

    public static GenerationOutcome await(CompletableFuture<GenerationOutcome> done, Duration timeout,
                                          Cancellation cancellation) {
        try {
            if (timeout == null || timeout.isZero()) {
                return done.get();
            }
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cancellation.cancel();
            done.complete(null);
            return new GenerationOutcome.Failed(new ProviderError("TimeoutError",
                    "Generation timed out after " + timeout.toMillis() + " ms", null, true, null));
        } catch (InterruptedException e) {
            cancellation.cancel();
            done.complete(null);
            Thread.currentThread().interrupt();
            return cancelled();
        } catch (ExecutionException e) {
            return new GenerationOutcome.Failed(FailureClassifier.classify(e.getCause()));
        }
    }

    /** The outcome of a generation given up because its run was cancelled. */
    public static GenerationOutcome cancelled() {
        return new GenerationOutcome.Failed(new ProviderError("AbortError", "Generation cancelled", null, false, null));
    }
}
