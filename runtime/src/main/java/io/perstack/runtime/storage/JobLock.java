package io.perstack.runtime.storage;

/** A held job lock; closing releases it. Closing twice is harmless. */
public interface JobLock extends AutoCloseable {
    /** Releases the lock; failures to release are not reported because the lock dies with the process anyway. */
    @Override
    void close();
}
