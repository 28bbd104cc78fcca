package io.perstack.sandbox.bwrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Options that only newer bubblewrap releases understand, detected once per binary from its help text: passing an
 * unknown option would make every launch fail.
 *
 * @param disableUserns {@code --disable-userns} (0.8+): no nested user namespaces inside the sandbox
 * @param tmpfsSize     {@code --size} (0.8+): a size limit for the private {@code /tmp}
 */
record BwrapFeatures(boolean disableUserns, boolean tmpfsSize) {
    /**
     * Process-wide on purpose: the answer is a fact about an installed binary, the probe starts a process, and the
     * map holds one entry per bubblewrap path (one in practice), so it cannot grow with jobs.
     */
    private static final Map<Path, BwrapFeatures> CACHE = new ConcurrentHashMap<>();

    static BwrapFeatures of(Path bwrap) {
        return CACHE.computeIfAbsent(bwrap, BwrapFeatures::probe);
    }

    private static BwrapFeatures probe(Path bwrap) {
        try {
            Process p = new ProcessBuilder(bwrap.toString(), "--help").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            return new BwrapFeatures(help.contains("--disable-userns"), help.contains("--size"));
        } catch (IOException e) {
            return new BwrapFeatures(false, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new BwrapFeatures(false, false);
        }
    }
}
