package io.perstack.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per job (docs/storage.md §7). */
class JobLockTest {
    @TempDir
    Path root;

    @Test
    void aSecondWriterInTheSameProcessIsRefused() {
        FileStorage storage = new FileStorage(root);
        try (JobLock _ = storage.lockJob("job1")) {
            assertThatThrownBy(() -> storage.lockJob("job1")).isInstanceOf(JobInUseException.class)
                    .hasMessage("Job job1 is in use by another process");
            // Another storage instance on the same root is another writer too.
            assertThatThrownBy(() -> new FileStorage(root).lockJob("job1")).isInstanceOf(JobInUseException.class);
            // Other jobs are independent.
            try (JobLock other = storage.lockJob("job2")) {
                assertThat(other).isNotNull();
            }
        }
        try (JobLock again = storage.lockJob("job1")) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        FileStorage storage = new FileStorage(root);
        JobLock lock = storage.lockJob("job1");
        lock.close();
        lock.close();
        try (JobLock again = storage.lockJob("job1")) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void aLockHeldOnTheFileByThisJvmMapsToTheSameError() throws Exception {
        FileStorage storage = new FileStorage(root);
        storage.lockJob("job1").close();
        Path lockFile = root.resolve("jobs/job1/.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock foreign = channel.lock()) {
            assertThatThrownBy(() -> storage.lockJob("job1")).isInstanceOf(JobInUseException.class)
                    .hasMessage("Job job1 is in use by another process");
            assertThat(foreign.isValid()).isTrue();
        }
    }

    @Test
    void aWriterInAnotherProcessIsRefusedUntilItExits() throws Exception {
        Process child = ChildProcess.start("lock", root.toString(), "job1");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            FileStorage storage = new FileStorage(root);
            assertThatThrownBy(() -> storage.lockJob("job1")).isInstanceOf(JobInUseException.class)
                    .hasMessage("Job job1 is in use by another process");

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (JobLock lock = storage.lockJob("job1")) {
                    assertThat(lock).isNotNull();
                }
            });
        } finally {
            child.destroyForcibly();
        }
    }
}
