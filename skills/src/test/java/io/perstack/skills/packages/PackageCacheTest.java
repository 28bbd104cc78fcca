package io.perstack.skills.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's own rules, with an installer that writes the files npm would (the real npm is in the CLI tests). */
class PackageCacheTest {
    @TempDir
    Path root;

    private static void fakeInstall(Path prefix, String name, String version) throws IOException {
        Path pkg = Files.createDirectories(PackageCache.packageDirectory(prefix, name));
        Files.writeString(pkg.resolve("package.json"), "{\"name\":\"" + name + "\",\"version\":\"" + version
                + "\",\"bin\":\"index.js\"}");
        Files.writeString(pkg.resolve("index.js"), "#!/usr/bin/env node\n");
    }

    @Test
    void aFailedInstallLeavesNoEntryAndNoLeftovers() throws IOException {
        PackageCache cache = new PackageCache(root);

        assertThatThrownBy(() -> cache.ensure("pkg", "1.0.0", (prefix, n, v) -> {
            Files.writeString(prefix.resolve("partial"), "x");
            throw new IOException("network down");
        }, () -> { }, ms -> { })).hasMessage("network down");

        assertThat(cache.isComplete("pkg", "1.0.0")).isFalse();
        try (Stream<Path> left = Files.list(root.resolve("npm"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(".pkg@1.0.0.lock");
        }
    }

    @Test
    void concurrentInstallsOfOnePackageRunTheInstallerOnce() throws Exception {
        PackageCache cache = new PackageCache(root);
        AtomicInteger installs = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = Stream.generate(() -> Thread.ofVirtual().start(() -> {
            try {
                go.await();
                cache.ensure("@s/pkg", "2.0.0", (prefix, n, v) -> {
                    installs.incrementAndGet();
                    fakeInstall(prefix, n, v);
                }, () -> { }, ms -> { });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        })).limit(8).toList();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(installs).hasValue(1);
        assertThat(cache.isComplete("@s/pkg", "2.0.0")).isTrue();
        assertThat(PackageBin.find(cache.entry("@s/pkg", "2.0.0"), "@s/pkg")).hasFileName("index.js");
    }

    @Test
    void anEntryWhoseManifestNoLongerMatchesIsInstalledAgain() throws IOException {
        PackageCache cache = new PackageCache(root);
        cache.ensure("pkg", "1.0.0", PackageCacheTest::fakeInstall, () -> { }, ms -> { });
        Files.delete(PackageCache.packageDirectory(cache.entry("pkg", "1.0.0"), "pkg").resolve("package.json"));
        AtomicInteger installs = new AtomicInteger();

        cache.ensure("pkg", "1.0.0", (p, n, v) -> {
            installs.incrementAndGet();
            fakeInstall(p, n, v);
        }, () -> { }, ms -> { });

        assertThat(installs).hasValue(1);
        assertThat(cache.isComplete("pkg", "1.0.0")).isTrue();
    }

    @Test
    void aProgramOutsideItsPackageIsNotRun() throws IOException {
        PackageCache cache = new PackageCache(root);
        Path entry = cache.ensure("pkg", "1.0.0", (prefix, n, v) -> {
            Path pkg = Files.createDirectories(PackageCache.packageDirectory(prefix, n));
            Files.writeString(pkg.resolve("package.json"), "{\"name\":\"pkg\",\"version\":\"1.0.0\","
                    + "\"bin\":{\"pkg\":\"../../../../../bin/sh\"}}");
        }, () -> { }, ms -> { });

        assertThatThrownBy(() -> PackageBin.find(entry, "pkg")).hasMessageContaining("outside its package");
    }
}
