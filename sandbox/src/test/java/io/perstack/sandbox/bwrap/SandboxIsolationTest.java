package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-process settings of docs/isolation.md §6.1 observed from inside a real bubblewrap sandbox (SR-09–SR-11). */
class SandboxIsolationTest {
    @TempDir
    static Path ws;

    private static Sandbox sandbox;

    @BeforeAll
    static void open() {
        sandbox = Sandboxes.open(ws);
    }

    @AfterAll
    static void close() {
        sandbox.close();
    }

    private static Sandboxes.Result sh(String script) {
        return Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(30), "/bin/sh", "-c", script);
    }

    @Test
    void theProcessRunsAsANonRootUserWithoutCapabilitiesOrNewPrivileges() {
        Sandboxes.Result r = sh("id -u; grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status");

        assertThat(r.out().lines().toList()).containsExactly("1000", "CapPrm:\t0000000000000000",
                "CapEff:\t0000000000000000", "CapBnd:\t0000000000000000", "NoNewPrivs:\t1");
    }

    @Test
    void hostProcessesAreInvisibleAndTheHostnameIsPerstack() {
        Sandboxes.Result r = sh("hostname; ls /proc | grep -cE '^[0-9]+$'");

        assertThat(r.out().lines().toList().getFirst()).isEqualTo("perstack");
        // bubblewrap's init, the helper, the shell, ls and grep: never the host's processes
        assertThat(Integer.parseInt(r.out().lines().toList().get(1))).isBetween(1, 8);
    }

    @Test
    void onlyTheLoopbackInterfaceExists() {
        Sandboxes.Result r = sh("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");

        assertThat(r.out()).isEqualTo("lo");
    }
}
