package io.perstack.base;

import static io.perstack.base.Harness.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.base.fs.Workspace.Confinement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SR-19: while one thread swaps a path component between a real directory and a symbolic link to a directory
 * outside 100,000 times, file tools reading and writing through that component never reach outside.
 */
class SwapRaceTest {
    private static final int SWAPS = 100_000;

    // renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) swaps two names atomically: "dir" always exists, as a
    // directory or as a link, so every tool call meets one or the other.
    private static final MethodHandle RENAMEAT2 = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("renameat2").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    @TempDir
    Path temp;

    private static void exchange(Path a, Path b) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) RENAMEAT2.invokeExact(-100, arena.allocateFrom(a.toString()), -100,
                    arena.allocateFrom(b.toString()), 2);
            if (rc != 0) {
                throw new IllegalStateException("renameat2 failed");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Confinement.class, names = {"OPENAT2", "COMPONENT_WALK"})
    void aDirectorySwappedForASymlinkNeverLeaksOutsideContent(Confinement mode) throws Exception {
        Path workspace = Files.createDirectory(temp.resolve("ws"));
        Path outside = Files.createDirectory(temp.resolve("outside"));
        Files.writeString(outside.resolve("f.txt"), "OUTSIDE");
        Path dir = Files.createDirectory(workspace.resolve("dir"));
        Files.writeString(dir.resolve("f.txt"), "inside");
        Path linkParked = Files.createSymbolicLink(workspace.resolve("link.parked"), outside);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> swapFailure = new AtomicReference<>();
        Thread swapper = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < SWAPS; i++) {
                    exchange(dir, linkParked);
                }
            } catch (Throwable e) {
                swapFailure.set(e);
            } finally {
                stop.set(true);
            }
        });

        AtomicInteger insideReads = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        AtomicReference<String> leak = new AtomicReference<>();
        try (Harness h = new Harness(workspace, mode)) {
            Thread writer = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    h.raw("writeTextFile", args("path", "dir/written.txt", "text", "w"));
                    h.raw("appendTextFile", args("path", "dir/f.txt", "text", ""));
                }
            });
            while (!stop.get()) {
                JsonNode read = Harness.json(h.raw("readTextFile", args("path", "dir/f.txt")));
                String content = read.path("content").asText(null);
                if ("inside".equals(content)) {
                    insideReads.incrementAndGet();
                } else if (content != null) {
                    leak.set(content);
                } else {
                    refusals.incrementAndGet();
                }
                JsonNode listing = Harness.json(h.raw("listDirectory", args("path", "dir")));
                if (listing.has("items") && listing.toString().contains("\"secret-marker\"")) {
                    leak.set("listing");
                }
            }
            writer.join();
        }
        swapper.join();

        assertThat(swapFailure.get()).isNull();
        assertThat(leak.get()).isNull();
        assertThat(outside).isDirectoryNotContaining("glob:**/written.txt");
        assertThat(outside.resolve("f.txt")).hasContent("OUTSIDE");
        // Both outcomes must have happened, or the race was not exercised.
        assertThat(insideReads.get()).isPositive();
        assertThat(refusals.get()).isPositive();
    }
}
