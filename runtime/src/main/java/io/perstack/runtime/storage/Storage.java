package io.perstack.runtime.storage;

/**
 * Where a job's history is kept (docs/storage.md): the runtime needs both sides, readers only a
 * {@link StorageReader}.
 */
public interface Storage extends StorageReader, StorageWriter {
}
