package io.perstack.sandbox.egress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Run in a process of its own, under a small descriptor limit, by {@link EgressProxyLimitsTest}: a proxy whose pending
 * caps are too high to protect it, so a flood exhausts its descriptor table and every accept fails, as it did for
 * the whole runtime before the caps. Warnings go to stderr as in the CLI; prints {@code ready}, then serves until
 * stdin closes.
 */
public final class ProxyUnderPressure {
    private ProxyUnderPressure() {
    }

    public static void main(String[] args) throws Exception {
        EgressProxy.Limits unbounded = new EgressProxy.Limits(64, 64, 100_000, 100_000, Duration.ofSeconds(1));
        try (EgressProxy proxy = EgressProxy.start(new EgressProxy.Options(EgressPolicy.of(List.of()), null, null,
                System.err::println, unbounded))) {
            proxy.listen("exec", Path.of(args[0]));
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // served until the test closes our stdin
            }
        }
    }
}
