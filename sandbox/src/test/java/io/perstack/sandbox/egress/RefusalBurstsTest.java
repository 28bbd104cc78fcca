package io.perstack.sandbox.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a flood of refused connections becomes a bounded number of events and warning lines. */
class RefusalBurstsTest {
    private final List<String> warnings = new ArrayList<>();
    private final List<Runnable> closes = new ArrayList<>();
    private final List<Duration> windows = new ArrayList<>();
    private final RefusalBursts bursts = new RefusalBursts("exec", warnings::add, (task, delay) -> {
        closes.add(task);
        windows.add(delay);
    });

    private void closeWindows() {
        List<Runnable> due = List.copyOf(closes);
        closes.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void aBurstIsOneEventAtOnceAndOneLineWithItsCountWhenItsWindowCloses() {
        assertThat(bursts.count(RefusalBursts.Kind.REFUSED, "too many pending connections")).isTrue();
        for (int i = 0; i < 1233; i++) {
            assertThat(bursts.count(RefusalBursts.Kind.REFUSED, "too many pending connections")).isFalse();
        }
        assertThat(warnings).isEmpty();

        closeWindows();

        assertThat(warnings).containsExactly(
                "egress proxy: refused 1234 connections from exec in the last second (too many pending connections)");
    }

    @Test
    void aFloodThatGoesOnGetsLongerWindowsUpToAMinute() {
        for (int i = 0; i < 10; i++) {
            assertThat(bursts.count(RefusalBursts.Kind.REFUSED, "too many pending connections")).isTrue();
            bursts.count(RefusalBursts.Kind.REFUSED, "too many pending connections");
            closeWindows();
        }

        assertThat(windows).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(32), Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1));
        assertThat(warnings.get(1)).isEqualTo(
                "egress proxy: refused 2 connections from exec in the last 2 seconds (too many pending connections)");
    }

    @Test
    void kindsOfFailureAreCountedApartAndFlushReportsTheOpenWindows() {
        assertThat(bursts.count(RefusalBursts.Kind.REFUSED, "too many pending connections")).isTrue();
        assertThat(bursts.count(RefusalBursts.Kind.NOT_ACCEPTED, "Too many open files")).isTrue();

        bursts.flush();
        closeWindows();

        assertThat(warnings).containsExactlyInAnyOrder(
                "egress proxy: refused 1 connection from exec in the last second (too many pending connections)",
                "egress proxy: could not accept connections from exec, 1 attempt in the last second "
                        + "(Too many open files)");
    }
}
