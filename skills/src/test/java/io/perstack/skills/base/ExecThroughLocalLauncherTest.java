package io.perstack.skills.base;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.base.BaseSkill;
import io.perstack.base.BaseSkillOptions;
import io.perstack.base.BaseToolResult;
import io.perstack.core.json.Json;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.sandbox.local.LocalLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec tool of docs/base-skill.md §4 running real programs through the local backend (SR-15–SR-18). */
class ExecThroughLocalLauncherTest {
    private static final Map<String, String> HOST = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root",
            "GITHUB_TOKEN", "canary-token-123", "TERM", "dumb");

    @TempDir
    Path ws;

    private BaseSkill skill;

    @BeforeEach
    void open() {
        skill = BaseSkill.create(new BaseSkillOptions(ws, null, List.of(), List.of(), new LocalLauncher(),
                EnvironmentPolicy.local(HOST, List.of()), true));
    }

    @AfterEach
    void close() {
        skill.close();
    }

    private record Outcome(JsonNode json, boolean isError) {}

    private Outcome exec(String command, List<String> args, Map<String, String> env, String cwd, Long timeout,
                         boolean stdout, boolean stderr) {
        var input = Json.object().put("command", command).put("cwd", cwd).put("stdout", stdout)
                .put("stderr", stderr);
        input.set("args", Json.mapper().valueToTree(args));
        input.set("env", Json.mapper().valueToTree(env));
        if (timeout != null) {
            input.put("timeout", timeout);
        }
        BaseToolResult result = skill.call("exec", input, Todo.EMPTY);
        return new Outcome(Json.tree(((MessagePart.TextPart) result.contents().getFirst()).text()),
                result.isError());
    }

    private Outcome exec(String command, String... args) {
        return exec(command, List.of(args), Map.of(), ".", null, true, true);
    }

    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shellMetacharactersReachTheProgramVerbatim() {
        Outcome out = exec("echo", "$(id)", "; rm -rf .", "`id`", "$HOME", "a|b");

        assertThat(out.isError()).isFalse();
        assertThat(out.json().path("output").asText()).isEqualTo("$(id) ; rm -rf . `id` $HOME a|b\n");
    }

    @Test
    void theEnvironmentIsTheSafeListPlusInputMinusProtectedNames() {
        Outcome out = exec("env", List.of(), Map.of("FOO", "bar", "BASH_ENV", "/tmp/x", "path", "/evil",
                "Ld_Preload", "/x.so", "JAVA_TOOL_OPTIONS", "-Dx"), ".", null, true, false);

        List<String> lines = out.json().path("output").asText().lines().sorted().toList();
        assertThat(lines).containsExactly("FOO=bar", "HOME=/root", "PATH=/usr/bin:/bin", "TERM=dumb");
        assertThat(out.json().toString()).doesNotContain("canary-token-123");
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() {
        Outcome out = exec("/bin/sh", List.of("-c", "sleep 1000 & echo $!; sleep 1000"), Map.of(), ".", 300L, true,
                true);

        assertThat(out.isError()).isTrue();
        assertThat(out.json().path("error").asText()).isEqualTo("Command timed out after 300ms.");
        long grandchild = Long.parseLong(out.json().path("stdout").asText().strip());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> !running(grandchild));
    }

    @Test
    void sleepFiveWithATimeoutOf100IsCutShort() {
        long start = System.nanoTime();

        Outcome out = exec("sleep", List.of("5"), Map.of(), ".", 100L, true, true);

        assertThat(out.json().path("error").asText()).isEqualTo("Command timed out after 100ms.");
        assertThat(System.nanoTime() - start).isLessThan(4_000_000_000L);
    }

    @Test
    void nonZeroExitReportsCodeCommandAndRequestedStreams() {
        Outcome both = exec("/bin/sh", List.of("-c", "echo out; echo err >&2; exit 3"), Map.of(), ".", null, true,
                true);
        Outcome onlyErr = exec("/bin/sh", List.of("-c", "echo out; echo err >&2; exit 3"), Map.of(), ".", null,
                false, true);

        assertThat(both.isError()).isTrue();
        assertThat(both.json().path("error").asText())
                .isEqualTo("Command failed with exit code 3: /bin/sh -c echo out; echo err >&2; exit 3");
        assertThat(both.json().path("stdout").asText()).isEqualTo("out\n");
        assertThat(both.json().path("stderr").asText()).isEqualTo("err\n");
        assertThat(onlyErr.json().has("stdout")).isFalse();
        assertThat(onlyErr.json().path("stderr").asText()).isEqualTo("err\n");
    }

    @Test
    void successJoinsTheRequestedStreamsOrSaysThereWasNoOutput() {
        assertThat(exec("/bin/sh", List.of("-c", "echo out; echo err >&2"), Map.of(), ".", null, true, true)
                .json().path("output").asText()).isEqualTo("out\nerr\n");
        assertThat(exec("/bin/sh", List.of("-c", "echo out"), Map.of(), ".", null, false, true)
                .json().path("output").asText()).isEqualTo("Command executed successfully, but produced no output.");
        assertThat(exec("true").json().path("output").asText())
                .isEqualTo("Command executed successfully, but produced no output.");
    }

    @Test
    void deathBySignalAndMissingProgramsHaveTheirOwnMessages() {
        assertThat(exec("/bin/sh", "-c", "kill -KILL $$").json().path("error").asText())
                .isEqualTo("Command terminated by signal SIGKILL");
        Outcome missing = exec("no-such-program-xyz");
        assertThat(missing.isError()).isTrue();
        assertThat(missing.json().path("error").asText()).isEqualTo("Command not found: no-such-program-xyz");
    }

    @Test
    void outputBeyondTenMebibytesIsTruncatedWithAMarker() {
        Outcome out = exec("/bin/sh", "-c", "head -c 11000000 /dev/zero | tr '\\0' y");

        String output = out.json().path("output").asText();
        String marker = "\n[perstack: output truncated after 10485760 bytes; 11000000 bytes total]";
        assertThat(output).endsWith(marker);
        assertThat(output.length()).isEqualTo(10_485_760 + marker.length());
    }

    @Test
    void theProcessStartsInTheValidatedWorkingDirectory() throws Exception {
        Files.createDirectory(ws.resolve("sub"));

        assertThat(exec("pwd", List.of(), Map.of(), "sub", null, true, true).json().path("output").asText())
                .isEqualTo(ws.toRealPath().resolve("sub") + "\n");
        assertThat(exec("pwd", List.of(), Map.of(), "missing", null, true, true).json().path("error").asText())
                .isEqualTo("Directory missing does not exist.");
    }
}
