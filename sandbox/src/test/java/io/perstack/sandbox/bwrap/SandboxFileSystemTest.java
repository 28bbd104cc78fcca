package io.perstack.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file system of docs/isolation.md §6.2 and the masks of §3 (SR-09, SR-10, SR-31, AT-09…AT-14, AT-30, AT-31). */
class SandboxFileSystemTest {
    @TempDir
    static Path ws;

    private static Sandbox sandbox;

    @BeforeAll
    static void open() throws IOException {
        Files.createDirectories(ws.resolve("perstack/jobs/job1"));
        Files.writeString(ws.resolve("perstack/jobs/job1/job.json"), "{\"history\":\"canary-history-0004\"}");
        Files.writeString(ws.resolve(".env"), "OPENAI_API_KEY=sk-canary-dotenv-0005\n");
        Files.writeString(ws.resolve("notes.txt"), "visible\n");
        Files.createDirectories(ws.resolve(".git/hooks"));
        Files.writeString(ws.resolve(".git/config"), "[core]\n");
        Files.writeString(ws.resolve(".bashrc"), "echo original\n");
        Files.writeString(ws.resolve(".mcp.json"), "{}");
        Files.createDirectory(ws.resolve("sub"));
        sandbox = Sandboxes.open(ws, List.of(ws.resolve("perstack")), List.of(ws.resolve(".env")), List.of(), null,
                List.of(), null, null);
    }

    @AfterAll
    static void close() {
        sandbox.close();
    }

    private static Sandboxes.Result sh(String script) {
        Sandboxes.Result r = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(30), "/bin/sh", "-c", script);
        assertThat(r.stderr()).as("stderr of %s", script).doesNotStartWith("bwrap:");
        return r;
    }

    @Test
    void onlyTheWorkspaceTmpAndHomeAreWritable() {
        Sandboxes.Result r = sh("for d in /usr /etc / /bin /opt /run /workspace /tmp /home/perstack; do "
                + "if touch $d/probe 2>/dev/null; then echo $d writable; else echo $d read-only; fi; done");

        assertThat(r.out().lines().toList()).containsExactly("/usr read-only", "/etc read-only", "/ read-only",
                "/bin read-only", "/opt read-only", "/run read-only", "/workspace writable", "/tmp writable",
                "/home/perstack writable");
    }

    @Test
    void hostSecretsAndDevicesAreAbsent() {
        Sandboxes.Result r = sh("for f in /etc/shadow /etc/gshadow /etc/sudoers /etc/ssh /etc/resolv.conf /root "
                + "/root/.ssh /var/run/docker.sock /run/docker.sock /home/perstack/.ssh; do "
                + "if [ -e $f ]; then echo $f present; else echo $f absent; fi; done; sudo -n true 2>/dev/null "
                + "&& echo sudo-worked || echo sudo-failed; cut -d: -f1 /etc/passwd");

        assertThat(r.out().lines().filter(l -> l.endsWith("present")).toList()).isEmpty();
        assertThat(r.out()).contains("sudo-failed").doesNotContain("sudo-worked");
        assertThat(r.out().lines().skip(10).skip(1).toList()).containsExactly("root", "perstack");
    }

    @Test
    void theWorkspaceIsMountedAtSlashWorkspaceAndFilesBelongToTheHostUser() throws Exception {
        Sandboxes.Result r = sh("cat /workspace/notes.txt; echo made > /workspace/made.txt; pwd");

        assertThat(r.out().lines().toList()).containsExactly("visible", "/workspace");
        PosixFileAttributes made = Files.readAttributes(ws.resolve("made.txt"), PosixFileAttributes.class);
        assertThat(made.owner().getName()).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void theHistoryFolderAndLoadedEnvFilesAreEmptyAndReadOnly() throws Exception {
        Sandboxes.Result r = sh("ls -A /workspace/perstack | wc -l; wc -c < /workspace/.env; "
                + "touch /workspace/perstack/x 2>/dev/null && echo history-writable; "
                + "echo X=1 >> /workspace/.env 2>/dev/null && echo env-writable; "
                + "rm -rf /workspace/perstack 2>/dev/null; mv /workspace/.env /workspace/moved 2>/dev/null; "
                + "cat /workspace/perstack/jobs/job1/job.json 2>&1 | head -1");

        assertThat(r.out().lines().toList().subList(0, 2)).containsExactly("0", "0");
        assertThat(r.out()).doesNotContain("history-writable", "env-writable", "canary-history-0004",
                "sk-canary-dotenv-0005");
        assertThat(Files.readString(ws.resolve("perstack/jobs/job1/job.json"))).contains("canary-history-0004");
        assertThat(Files.readString(ws.resolve(".env"))).isEqualTo("OPENAI_API_KEY=sk-canary-dotenv-0005\n");
    }

    @Test
    void gitHooksGitConfigShellStartupFilesAndMcpJsonAreReadOnly() throws Exception {
        Sandboxes.Result r = sh("cat /workspace/.bashrc; for f in .git/hooks/post-checkout .git/config .bashrc "
                + ".mcp.json; do if echo evil >> /workspace/$f 2>/dev/null; then echo $f changed; "
                + "else echo $f kept; fi; done");

        assertThat(r.out().lines().toList()).containsExactly("echo original", ".git/hooks/post-checkout kept",
                ".git/config kept", ".bashrc kept", ".mcp.json kept");
        assertThat(Files.readString(ws.resolve(".bashrc"))).isEqualTo("echo original\n");
        assertThat(ws.resolve(".git/hooks/post-checkout")).doesNotExist();
    }

    @Test
    void aProtectedEntrySwappedForASymlinkStopsTheLaunchInsteadOfBindingItsTarget() throws Exception {
        sh("true"); // the job's protected entries are decided (and placeholders made) by its first launch
        Path hostSecret = Files.writeString(Files.createTempFile("host-secret", ".txt"), "canary-host-file-0006");
        Path link = ws.resolve(".zshrc");
        Files.delete(link);
        Files.createSymbolicLink(link, hostSecret);
        try {
            Sandboxes.Result r = Sandboxes.run(sandbox.launcher("exec"), ws, Duration.ofSeconds(30), "/bin/sh",
                    "-c", "cat /workspace/.zshrc");

            assertThat(r.status().code()).isNotZero();
            assertThat(r.stdout()).doesNotContain("canary-host-file-0006");
            assertThat(r.stderr()).contains("refusing to start", ".zshrc", "symbolic link");
        } finally {
            Files.delete(link);
            Files.createFile(link);
            Files.delete(hostSecret);
        }
    }

    @Test
    void tmpAndHomeArePrivateToEachProcessAndSizeCapped() {
        sh("echo one > /tmp/t; echo kept > /home/perstack/h");

        Sandboxes.Result second = sh("cat /tmp/t 2>/dev/null || echo no-tmp; cat /home/perstack/h 2>/dev/null "
                + "|| echo no-home; df -k /tmp /home/perstack | tail -n 2 | awk '{print $2}'");
        Sandboxes.Result full = sh("head -c 300M /dev/zero > /tmp/big 2>/dev/null || echo tmp-full; "
                + "head -c 600M /dev/zero > /home/perstack/big 2>/dev/null || echo home-full");

        assertThat(second.out().lines().toList()).containsExactly("no-tmp", "no-home",
                Long.toString(BwrapCommand.TMP_BYTES / 1024), Long.toString(BwrapCommand.HOME_BYTES / 1024));
        assertThat(full.out().lines().toList()).containsExactly("tmp-full", "home-full");
    }

    @Test
    void theWorkingDirectoryIsTheModelVisiblePathOfTheRequestedFolder() {
        Sandboxes.Result fromHostPath = Sandboxes.run(sandbox.launcher("exec"), ws.resolve("sub"),
                Duration.ofSeconds(30), "pwd");
        Sandboxes.Result fromVisiblePath = Sandboxes.run(sandbox.launcher("exec"), Path.of("/workspace/sub"),
                Duration.ofSeconds(30), "pwd");

        assertThat(fromHostPath.out()).isEqualTo("/workspace/sub");
        assertThat(fromVisiblePath.out()).isEqualTo("/workspace/sub");
    }
}
