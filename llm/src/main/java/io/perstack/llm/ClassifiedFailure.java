package io.perstack.llm;

/**
 * A failure whose classification is already known where it happened (an error event inside an open stream), so the
 * classifier passes it through instead of guessing from an exception type.
 */
public final class ClassifiedFailure extends RuntimeException {
    private final transient ProviderError error;

    public ClassifiedFailure(ProviderError error) {
        super(error.name() + ": " + error.message());
        this.error = error;
    }

    public ProviderError error() {
        return error;
    }
}
