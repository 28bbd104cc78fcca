package io.perstack.sandbox.bwrap;

import io.perstack.core.event.EventPayload;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.ExitStatus;
import io.perstack.core.launch.LaunchSpec;
import io.perstack.core.launch.LaunchedProcess;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.sandbox.egress.Cidr;
import io.perstack.sandbox.egress.HostResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Test helpers: a job sandbox over a temporary workspace, and running a command in it to completion. */
final class Sandboxes {
    /** Secrets present in the runtime's environment that must never reach a sandbox. */
    static final Map<String, String> HOST_ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", "/root",
            "TERM", "dumb", "ANTHROPIC_API_KEY", "sk-ant-canary-runtime-env-0001", "AWS_SECRET_ACCESS_KEY",
            "canary-aws-secret-0002", "GITHUB_TOKEN", "ghp_canary0003", "HTTPS_PROXY", "http://host-proxy:9",
            "PERSTACK_PROXY_URL", "http://host-proxy:9");

    private Sandboxes() {}

    /** A Python program that forks sleeping children until it cannot, prints how many it made, and ends them. */
    static final String FORK_COUNTER = """
            import os, signal, time
            children = []
            for i in range(400):
                try:
                    pid = os.fork()
                except OSError:
                    break
                if pid == 0:
                    time.sleep(30)
                    os._exit(0)
                children.append(pid)
            print(len(children))
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            """;


    /** Every proxyAccess event of a sandbox, in order. */
    static final class Events {
        final List<EventPayload.ProxyAccess> all = Collections.synchronizedList(new ArrayList<>());

        List<EventPayload.ProxyAccess> snapshot() {
            synchronized (all) {
                return List.copyOf(all);
            }
        }
    }

    static Sandbox open(Path workspace, List<Path> maskedDirs, List<Path> maskedFiles, List<String> allowlist,
                        HostResolver resolver, List<Cidr> exemptions, Events events, List<String> warnings) {
        return Sandbox.prepare(new SandboxSettings("job-" + System.nanoTime(), workspace, maskedDirs, maskedFiles,
                allowlist, resolver, exemptions, events == null ? e -> { } : events.all::add,
                warnings == null ? w -> { } : warnings::add, HOST_ENV.get("PATH")));
    }

    static Sandbox open(Path workspace) {
        return open(workspace, List.of(), List.of(), List.of(), null, List.of(), null, null);
    }

    /** What a finished process printed and how it ended. */
    record Result(ExitStatus status, String stdout, String stderr) {
        String out() {
            return stdout.strip();
        }

        /** Shown when an assertion fails, so a sandbox that did not start says why. */
        @Override
        public String toString() {
            return "exit " + status + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    static Map<String, String> execEnvironment() {
        return Sandbox.environment(HOST_ENV, List.of()).forExec(Map.of()).environment();
    }

    static Result run(ProcessLauncher launcher, Path cwd, Duration timeout, String... command) {
        return run(launcher, new LaunchSpec(List.of(command), cwd, execEnvironment(), timeout,
                LaunchSpec.Stdin.NULL));
    }

    static Result run(ProcessLauncher launcher, LaunchSpec spec) {
        try (LaunchedProcess p = launcher.launch(spec)) {
            CompletableFuture<String> out = drain(p.stdout());
            CompletableFuture<String> err = drain(p.stderr());
            ExitStatus status = p.exit().get(60, TimeUnit.SECONDS);
            return new Result(status, out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static CompletableFuture<String> drain(java.io.InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        });
        return f;
    }
}
