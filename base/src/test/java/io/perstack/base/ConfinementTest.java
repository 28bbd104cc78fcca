package io.perstack.base;

import static io.perstack.base.Harness.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.base.fs.Workspace.Confinement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** docs/base-skill.md §2.2 under every confinement mode: escapes, links and the refused folders (SR-18, SR-19). */
class ConfinementTest {
    private static final String SYMLINK = "Operation denied: target is a symbolic link";

    @TempDir
    Path temp;

    private Path workspace;
    private Path outside;

    private Harness open(Confinement confinement) throws Exception {
        workspace = Files.createDirectory(temp.resolve("ws"));
        outside = Files.createDirectory(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "OUTSIDE");
        return new Harness(workspace, confinement);
    }

    @ParameterizedTest
    @EnumSource(Confinement.class)
    void dotDotEscapesAreRefusedWithTheResolvedPath(Confinement mode) throws Exception {
        try (Harness h = open(mode)) {
            String root = h.visible("");
            String resolved = root.substring(0, root.lastIndexOf('/')) + "/outside/secret.txt";

            assertThat(h.error("readTextFile", args("path", "../outside/secret.txt")))
                    .isEqualTo("Access denied - path outside allowed directories: " + resolved + " not in " + root);
            assertThat(h.error("writeTextFile", args("path", "a/../../outside/new.txt", "text", "x")))
                    .startsWith("Access denied - path outside allowed directories: ");
            assertThat(outside.resolve("new.txt")).doesNotExist();
        }
    }

    @ParameterizedTest
    @EnumSource(Confinement.class)
    void absolutePathsOutsideAreRefusedAndInsideAccepted(Confinement mode) throws Exception {
        try (Harness h = open(mode)) {
            Files.writeString(workspace.resolve("in.txt"), "inside");

            assertThat(h.error("readTextFile", args("path", "/etc/passwd")))
                    .isEqualTo("Access denied - path outside allowed directories: /etc/passwd not in " + h.visible(""));
            assertThat(h.error("readTextFile", args("path", outside.resolve("secret.txt").toString())))
                    .startsWith("Access denied - path outside allowed directories");
            assertThat(h.ok("readTextFile", args("path", h.visible("in.txt"))).path("content").asText())
                    .isEqualTo("inside");
        }
    }

    @ParameterizedTest
    @EnumSource(Confinement.class)
    void aSymlinkInAnIntermediateDirectoryPointingOutsideIsRefused(Confinement mode) throws Exception {
        try (Harness h = open(mode)) {
            Files.createSymbolicLink(workspace.resolve("link"), outside);

            assertThat(h.error("readTextFile", args("path", "link/secret.txt"))).isEqualTo(SYMLINK);
            assertThat(h.error("writeTextFile", args("path", "link/new.txt", "text", "x"))).isEqualTo(SYMLINK);
            assertThat(h.error("writeTextFile", args("path", "link/deep/er/new.txt", "text", "x")))
                    .isEqualTo(SYMLINK);
            assertThat(h.error("listDirectory", args("path", "link"))).isEqualTo(SYMLINK);
            assertThat(h.error("getFileInfo", args("path", "link/secret.txt"))).isEqualTo(SYMLINK);
            assertThat(h.error("deleteFile", args("path", "link/secret.txt"))).isEqualTo(SYMLINK);
            assertThat(h.error("moveFile", args("source", "link/secret.txt", "destination", "stolen.txt")))
                    .isEqualTo(SYMLINK);
            assertThat(outside).isDirectoryNotContaining(p -> !p.getFileName().toString().equals("secret.txt"));
            assertThat(outside.resolve("secret.txt")).hasContent("OUTSIDE");
            assertThat(workspace.resolve("stolen.txt")).doesNotExist();
        }
    }

    @ParameterizedTest
    @EnumSource(Confinement.class)
    void symlinksAreRefusedEvenWhenTheyPointInside(Confinement mode) throws Exception {
        try (Harness h = open(mode)) {
            Files.createDirectory(workspace.resolve("real"));
            Files.writeString(workspace.resolve("real/f.txt"), "inside");
            Files.createSymbolicLink(workspace.resolve("alias"), workspace.resolve("real"));
            Files.createSymbolicLink(workspace.resolve("file-link"), workspace.resolve("real/f.txt"));

            assertThat(h.error("readTextFile", args("path", "alias/f.txt"))).isEqualTo(SYMLINK);
            assertThat(h.error("readTextFile", args("path", "file-link"))).isEqualTo(SYMLINK);
            assertThat(h.error("appendTextFile", args("path", "file-link", "text", "x"))).isEqualTo(SYMLINK);
            assertThat(h.error("writeTextFile", args("path", "file-link", "text", "x"))).isEqualTo(SYMLINK);
            assertThat(workspace.resolve("real/f.txt")).hasContent("inside");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Confinement.class, names = {"OPENAT2", "COMPONENT_WALK"})
    void magicLinksOfProcAreRefusedByTheKernel(Confinement mode) throws Exception {
        // A root inside /proc/self: "root" and "cwd" there are magic links no string check knows about.
        try (Harness h = new Harness(Path.of("/proc/self"), mode)) {
            assertThat(h.error("readTextFile", args("path", "root/etc/hostname"))).isEqualTo(SYMLINK);
            assertThat(h.error("listDirectory", args("path", "cwd"))).isEqualTo(SYMLINK);
            assertThat(h.error("getFileInfo", args("path", "exe"))).isEqualTo(SYMLINK);
        }
        try (Harness h = open(mode)) {
            Files.createSymbolicLink(workspace.resolve("proc-root"), Path.of("/proc/self/root"));

            assertThat(h.error("readTextFile", args("path", "proc-root/etc/passwd"))).isEqualTo(SYMLINK);
            assertThat(h.error("readTextFile", args("path", "/proc/self/root/etc/passwd")))
                    .startsWith("Access denied - path outside allowed directories");
        }
    }

    @ParameterizedTest
    @EnumSource(Confinement.class)
    void theHistoryFolderIsRefusedInAnyLetterCaseAndHiddenFromTheRootListing(Confinement mode) throws Exception {
        try (Harness h = open(mode)) {
            Files.createDirectories(workspace.resolve("perstack/jobs"));
            Files.writeString(workspace.resolve("perstack/jobs/job.json"), "{}");
            Files.createDirectories(workspace.resolve("sub/perstack"));

            for (String path : List.of("perstack", "perstack/jobs/job.json", "PerStack/jobs/job.json",
                    "./x/../perstack/jobs", h.visible("PERSTACK"))) {
                assertThat(h.error("readTextFile", args("path", path)))
                        .isEqualTo("Access denied - perstack directory is not allowed");
            }
            assertThat(h.error("writeTextFile", args("path", "perstack/evil.json", "text", "x")))
                    .isEqualTo("Access denied - perstack directory is not allowed");
            assertThat(h.error("deleteDirectory", args("path", "perstack", "recursive", true)))
                    .isEqualTo("Access denied - perstack directory is not allowed");
            JsonNode listing = h.ok("listDirectory", args("path", "."));
            assertThat(listing.path("items").findValuesAsText("name")).containsExactly("sub");
            assertThat(h.ok("listDirectory", args("path", "sub")).path("items").findValuesAsText("name"))
                    .containsExactly("perstack");
            assertThat(workspace.resolve("perstack/jobs/job.json")).exists();
        }
    }

    @ParameterizedTest
    @EnumSource(Confinement.class)
    void aStorageRootInsideTheWorkspaceAndLoadedEnvFilesAreRefused(Confinement mode) throws Exception {
        workspace = Files.createDirectory(temp.resolve("ws"));
        Files.createDirectories(workspace.resolve("data/store"));
        Files.writeString(workspace.resolve(".env"), "KEY=secret");
        Files.writeString(workspace.resolve(".env.local"), "KEY=other");
        try (Harness h = new Harness(workspace, mode, List.of(workspace.resolve("data/store")),
                List.of(workspace.resolve(".env"), Path.of("/elsewhere/.env")), null, true)) {
            assertThat(h.error("listDirectory", args("path", "data/store/")))
                    .isEqualTo("Access denied - perstack directory is not allowed");
            assertThat(h.error("readTextFile", args("path", ".env")))
                    .isEqualTo("Access denied - environment files are not allowed");
            assertThat(h.error("writeTextFile", args("path", "./.ENV", "text", "KEY=x")))
                    .isEqualTo("Access denied - environment files are not allowed");
            assertThat(h.ok("readTextFile", args("path", ".env.local")).path("content").asText())
                    .isEqualTo("KEY=other");
            assertThat(h.ok("listDirectory", args("path", "")).path("items").findValuesAsText("name"))
                    .containsExactly(".env.local", "data");
            assertThat(h.ok("listDirectory", args("path", "data")).path("items").findValuesAsText("name")).isEmpty();
            assertThat(workspace.resolve(".env")).hasContent("KEY=secret");
        }
    }

    @ParameterizedTest
    @EnumSource(Confinement.class)
    void recursiveDeletionRemovesLinksWithoutFollowingThem(Confinement mode) throws Exception {
        try (Harness h = open(mode)) {
            Files.createDirectories(workspace.resolve("tree/sub"));
            Files.writeString(workspace.resolve("tree/sub/a.txt"), "a");
            Files.createSymbolicLink(workspace.resolve("tree/sub/out"), outside);

            h.ok("deleteDirectory", args("path", "tree", "recursive", true));

            assertThat(workspace.resolve("tree")).doesNotExist();
            assertThat(outside.resolve("secret.txt")).hasContent("OUTSIDE");
        }
    }

    @ParameterizedTest
    @EnumSource(Confinement.class)
    void execWorkingDirectoriesAreValidatedLikeFilePaths(Confinement mode) throws Exception {
        try (Harness h = open(mode)) {
            Files.createDirectories(workspace.resolve("perstack"));
            Files.createSymbolicLink(workspace.resolve("link"), outside);
            String[][] cases = {
                {"..", "Access denied - path outside allowed directories: "},
                {"/tmp", "Access denied - path outside allowed directories: /tmp not in "},
                {"perstack", "Access denied - perstack directory is not allowed"},
                {"link", SYMLINK},
            };
            for (String[] c : cases) {
                JsonNode json = Harness.json(h.raw("exec", args("command", "pwd", "args", List.of(), "env",
                        java.util.Map.of(), "cwd", c[0], "stdout", true, "stderr", true)));
                assertThat(json.path("error").asText()).as(c[0]).startsWith(c[1]);
            }
        }
    }
}
