package io.perstack.core.launch;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A started process. Its streams must be drained by the caller (a full pipe blocks the child). When the process
 * itself exits, the backend kills whatever it left running in its process group, so nothing outlives it.
 */
public interface LaunchedProcess extends AutoCloseable {
    long pid();

    /** The process's stdin; closed already when the spec asked for {@link LaunchSpec.Stdin#NULL}. */
    OutputStream stdin();

    InputStream stdout();

    InputStream stderr();

    /** Completes once the process has exited and its process group has been killed. */
    CompletableFuture<ExitStatus> exit();

    /** Ends the whole process tree: SIGTERM, then SIGKILL after {@link #GRACE_MILLIS} (docs/isolation.md §1). */
    void terminate();

    /** Milliseconds between SIGTERM and SIGKILL. */
    long GRACE_MILLIS = 2000;

    @Override
    default void close() {
        terminate();
    }
}
