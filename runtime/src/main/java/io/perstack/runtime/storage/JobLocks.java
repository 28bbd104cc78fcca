package io.perstack.runtime.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-writer-per-job rule of docs/storage.md §7: an OS file lock on {@code jobs/<id>/.lock}, plus a set of the
 * lock files this JVM holds, because a second channel on a held POSIX lock file could release it.
 */
final class JobLocks {
    /** Process-wide on purpose: POSIX locks belong to the process, not to one storage object. */
    private static final Set<Path> HELD_LOCKS = ConcurrentHashMap.newKeySet();

    private final Layout layout;
    private final Disk disk;

    JobLocks(Layout layout, Disk disk) {
        this.layout = layout;
        this.disk = disk;
    }

    JobLock lock(String jobId) {
        Path dir = layout.job(jobId);
        Path lockFile;
        try {
            disk.createDirectories(dir);
            lockFile = dir.toRealPath().resolve(Layout.LOCK_FILE);
        } catch (IOException e) {
            throw failure(dir, e);
        }
        if (!HELD_LOCKS.add(lockFile)) {
            throw new JobInUseException(jobId);
        }
        FileChannel channel = null;
        try {
            channel = disk.openReadWrite(lockFile);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                HELD_LOCKS.remove(lockFile);
                throw new JobInUseException(jobId);
            }
            return new HeldLock(lockFile, channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            HELD_LOCKS.remove(lockFile);
            throw failure(lockFile, e);
        }
    }

    private static final class HeldLock implements JobLock {
        private final Path file;
        private final FileChannel channel;
        private final FileLock lock;
        private boolean released;

        HeldLock(Path file, FileChannel channel, FileLock lock) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // Closing the channel (or the process exiting) releases the lock regardless.
            } finally {
                HELD_LOCKS.remove(file);
            }
        }
    }

    private static UncheckedIOException failure(Path path, IOException e) {
        return FileHistoryWriter.failure(path, e);
    }
}
