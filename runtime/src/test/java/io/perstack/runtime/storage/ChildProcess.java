package io.perstack.runtime.storage;

import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
import io.perstack.core.model.Usage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A second JVM for tests that need another process: {@code lock <root> <jobId>} holds the job lock until stdin
 * closes; {@code write <root> <jobId> <runId>} appends steps until it is killed, printing each finished step.
 */
public final class ChildProcess {
    private ChildProcess() {}

    public static void main(String[] args) throws IOException {
        FileStorage storage = new FileStorage(Path.of(args[1]));
        switch (args[0]) {
            case "lock" -> {
                try (JobLock _ = storage.lockJob(args[2])) {
                    System.out.println("locked");
                    System.out.flush();
                    while (System.in.read() >= 0) {
                        // Held until the parent closes our stdin or kills us.
                    }
                }
            }
            case "write" -> {
                storage.writeJob(new Job(args[2], JobStatus.RUNNING, "coordinator", 0, null, Usage.ZERO, 1, null,
                        null));
                RunDriver run = RunDriver.fresh(storage, new Recorder(storage).emitter, args[2], args[3], 3000);
                for (int step = 1; ; step++) {
                    run.toolStep();
                    System.out.println("step " + step);
                    System.out.flush();
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Starts this class in a new JVM with the test classpath. */
    static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildProcess.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
