package io.perstack.skills.mcp;

import static io.perstack.skills.mcp.Harness.call;
import static io.perstack.skills.mcp.Harness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.perstack.core.event.EventPayload;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.ToolResult;
import io.perstack.skills.SkillSet;
import io.perstack.skills.SkillStartException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that misbehaves in every way it can must not break, stall or flood the runtime (SR-35, SR-36, C-53). */
class HostileStdioTest {
    @TempDir
    Path ws;

    private Harness h;

    @BeforeEach
    void open() {
        h = new Harness(ws);
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void nonProtocolStdoutIsReportedAsDiagnosticsAndCallsStillWork() {
        SkillSet set = h.hostile("noisy", List.of(), false, "--garbage-stdout").start();

        assertThat(text(call(set, "echo", "{\"text\":\"1\"}"))).isEqualTo("echo: 1");
        assertThat(text(call(set, "garbage", "{}"))).isEqualTo("ok after garbage");
        assertThat(h.stderrOf("noisy")).contains(
                "[perstack: non-protocol output] hostile banner: not a JSON-RPC message",
                "[perstack: non-protocol output] hostile garbage before answering echo",
                "[perstack: non-protocol output] this is not JSON-RPC");
    }

    @Test
    void aStderrFloodIsRateLimitedAndTheSurplusCounted() {
        SkillSet set = h.hostile("flood", List.of(), false, "--flood-stderr", "5000").start();
        assertThat(text(call(set, "echo", "{\"text\":\"alive\"}"))).isEqualTo("echo: alive");
        set.close();

        List<String> lines = h.stderrOf("flood");
        long suppressed = lines.stream().filter(l -> l.matches("\\[perstack: \\d+ stderr lines suppressed]"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
        long relayed = lines.stream().filter(l -> !l.startsWith("[perstack:")).count();
        assertThat(suppressed).isPositive();
        // 5000 flood lines and the start banner: every line is either relayed or counted, none lost silently.
        assertThat(relayed + suppressed).isEqualTo(5001);
        assertThat(relayed).isLessThan(5000);
    }

    @Test
    void aLineOverTheMessageLimitBreaksTheSkillAndLaterCallsFailFast() {
        SkillSet set = h.hostile("huge", List.of(), false).start();

        ToolResult big = call(set, "big", "{\"bytes\":" + (50 * 1024 * 1024) + "}");
        assertThat(text(big)).isEqualTo("Error calling tool big: message too large");
        assertThat(text(call(set, "echo", "{\"text\":\"x\"}"))).isEqualTo("Error calling tool echo: message too large");
    }

    @Test
    void aResultUnderTheMessageLimitArrivesWhole() {
        SkillSet set = h.hostile("large", List.of(), false).start();

        assertThat(text(call(set, "big", "{\"bytes\":" + (4 * 1024 * 1024) + "}"))).hasSize(4 * 1024 * 1024);
    }

    @Test
    void aServerThatDiesMidCallFailsThatCallAndEveryLaterOne() {
        SkillSet set = h.hostile("fragile", List.of(), false).start();

        assertThat(text(call(set, "crash", "{}"))).isEqualTo("Error calling tool crash: MCP server exited with code 3");
        assertThat(text(call(set, "echo", "{}"))).isEqualTo("Error calling tool echo: MCP server exited with code 3");
    }

    @Test
    void aCallWithoutAnswerTimesOutAndProgressExtendsTheDeadline() {
        SkillSet set = h.limits(new McpLimits(Duration.ofSeconds(20), Duration.ofMillis(800), Duration.ofSeconds(5),
                Duration.ofSeconds(2))).hostile("slowpoke", List.of(), false).start();

        assertThat(text(call(set, "hang", "{}"))).isEqualTo("Error calling tool hang: Request timed out");
        // Six notifications 300 ms apart: far beyond one 800 ms window, never 800 ms without a sign of life.
        assertThat(text(call(set, "progress", "{\"steps\":6,\"intervalMs\":300}"))).isEqualTo("done after 6 steps");
        assertThat(text(call(set, "echo", "{\"text\":\"after\"}"))).isEqualTo("echo: after");
    }

    @Test
    void aServerThatNeverAnswersFailsTheStartWithinTheLimitAndIsKilled() {
        String marker = "silent-" + System.nanoTime();
        h.limits(new McpLimits(Duration.ofMillis(1500), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(1))).hostile("silent", List.of(), false, "--never-answer", "--name", marker);

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(h::start)
                .isInstanceOf(SkillStartException.class)
                .hasMessage("Skill silent failed to start: timed out after 1500 ms"));
        assertThat(Harness.processesWith(marker)).isEmpty();
    }

    @Test
    void closingEndsAServerThatIgnoresStdinEndAndSigterm() {
        String marker = "stubborn-" + System.nanoTime();
        SkillSet set = h.hostile("stubborn", List.of(), false, "--ignore-shutdown", "--name", marker).start();
        long pid = Long.parseLong(text(call(set, "pid", "{}")));

        assertTimeoutPreemptively(Duration.ofSeconds(30), set::close);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Harness.processesWith(marker)).isEmpty();
        assertThat(h.events(EventPayload.SkillDisconnected.class)).extracting(EventPayload.SkillDisconnected::skillName)
                .contains("stubborn", "@perstack/base");
    }

    @Test
    void resultsAreConvertedAsTheRuntimeSpecifies() {
        SkillSet set = h.hostile("media", List.of(), false).start();

        List<MessagePart.ResultContent> parts = call(set, "media", "{}").result();
        assertThat(parts).hasSize(4);
        assertThat(parts.get(0)).isInstanceOfSatisfying(MessagePart.ImageInlinePart.class, p -> {
            assertThat(p.mimeType()).isEqualTo("image/gif");
            assertThat(p.encodedData()).isEqualTo(io.perstack.testkit.mcp.HostileProtocol.GIF_BASE64);
        });
        assertThat(parts.get(1)).isInstanceOfSatisfying(MessagePart.TextPart.class,
                p -> assertThat(p.text()).isEqualTo("resource text"));
        assertThat(parts.get(2)).isInstanceOfSatisfying(MessagePart.FileInlinePart.class,
                p -> assertThat(p.mimeType()).isEqualTo("application/pdf"));
        assertThat(parts.get(3)).isInstanceOfSatisfying(MessagePart.TextPart.class,
                p -> assertThat(p.text()).isEqualTo("Error: No content"));

        assertThat(text(call(set, "empty", "{\"why\":\"nothing\"}")))
                .isEqualTo("Tool empty returned nothing with arguments: {\"why\":\"nothing\"}");
        ToolResult failed = call(set, "fail", "{}");
        assertThat(failed.isError()).isTrue();
        assertThat(text(failed)).isEqualTo("it failed on purpose");
        assertThat(call(set, "echo", "{}").isError()).isNull();
        assertThat(text(call(set, "rpcError", "{}"))).isEqualTo("Error calling tool rpcError: hostile failure");
    }

    @Test
    void callsOfOneServerRunConcurrently() {
        SkillSet set = h.hostile("parallel", List.of(), false).start();

        var first = CompletableFuture.supplyAsync(() -> text(call(set, "rendezvous", "{\"parties\":2}")));
        var second = CompletableFuture.supplyAsync(() -> text(call(set, "rendezvous", "{\"parties\":2}")));
        assertThat(List.of(first.join(), second.join())).containsExactly("together", "together");
    }

    @Test
    void aToolNameThatShadowsAnotherSkillsToolFailsTheStartAndClosesEverything() {
        String marker = "shadow-" + System.nanoTime();
        h.hostile("shadow", List.of(), false, "--tool", "readTextFile", "--name", marker);

        assertThatThrownBy(h::start).isInstanceOf(SkillStartException.class).hasMessage(
                "Tool name \"readTextFile\" is provided by skills \"@perstack/base\" and \"shadow\"; use pick or omit "
                        + "to keep one");
        assertThat(Harness.processesWith(marker)).isEmpty();
    }

    @Test
    void allServersStartInParallel() {
        h.hostilePicking("one", List.of("echo"), "--start-delay-ms", "500")
                .hostilePicking("two", List.of("env"), "--start-delay-ms", "500").start();

        List<String> order = h.events.stream().filter(e -> e instanceof EventPayload.SkillStarting
                        || e instanceof EventPayload.SkillConnected c && !c.skillName().equals("@perstack/base"))
                .map(e -> e.getClass().getSimpleName()).toList();
        assertThat(order).containsExactly("SkillStarting", "SkillStarting", "SkillConnected", "SkillConnected");
    }

    @Test
    void aLazySkillStartsInTheBackgroundAndItsToolsAreAwaited() {
        SkillSet set = h.hostile("lazy", List.of(), true, "--start-delay-ms", "700").start();

        assertThat(h.events(EventPayload.SkillConnected.class)).extracting(EventPayload.SkillConnected::skillName)
                .containsExactly("@perstack/base");
        assertThat(set.tools()).extracting(t -> t.name()).contains("echo", "readTextFile");
        assertThat(h.events(EventPayload.SkillConnected.class)).extracting(EventPayload.SkillConnected::skillName)
                .contains("lazy");
    }

    @Test
    void aLazySkillThatFailsReportsWhenItsToolsAreNeeded() {
        SkillSet set = h.skill(new io.perstack.core.config.SkillConfig.McpStdio("lazybad", null, null, List.of(),
                List.of(), "nonexistent-command-12345", null, List.of("x"), List.of(), List.of(), true)).start();

        assertThatThrownBy(set::tools).isInstanceOf(SkillStartException.class)
                .hasMessage("Skill lazybad failed to start: Command not found: nonexistent-command-12345");
    }

    @Test
    void withLockedToolsNothingStartsUntilTheFirstCallAndConcurrentFirstCallsShareOneStart() {
        var schema = io.perstack.core.json.Json.tree("{\"type\":\"object\"}");
        SkillSet set = h.locked(java.util.Map.of("locked", List.of(
                        new io.perstack.core.tool.ToolDefinition("locked", "rendezvous", "Waits", schema))))
                .hostile("locked", List.of(), false).start();

        assertThat(set.tools()).extracting(t -> t.name()).contains("rendezvous", "readTextFile")
                .doesNotContain("echo", "env");
        assertThat(h.events(EventPayload.SkillStarting.class)).isEmpty();

        var first = CompletableFuture.supplyAsync(() -> text(call(set, "rendezvous", "{\"parties\":2}")));
        var second = CompletableFuture.supplyAsync(() -> text(call(set, "rendezvous", "{\"parties\":2}")));
        assertThat(List.of(first.join(), second.join())).containsExactly("together", "together");
        assertThat(h.events(EventPayload.SkillStarting.class)).hasSize(1);
        assertThat(h.events(EventPayload.SkillConnected.class)).extracting(EventPayload.SkillConnected::skillName)
                .containsExactly("@perstack/base", "locked");
    }

    @Test
    void aServerPrintingItsSecretOnStderrHasItRedactedInTheEvents() {
        h.hostile("leaky", List.of("SKILL_A_TOKEN"), false, "--stderr-env", "SKILL_A_TOKEN").start();

        // stderr is read on its own thread: wait for the line (hang guard only).
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(h.stderrOf("leaky")).contains("leaking SKILL_A_TOKEN=[REDACTED]"));
        assertThat(h.events.toString()).doesNotContain("canary-a-7c1e");
    }
}
