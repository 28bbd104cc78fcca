package io.perstack.base.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
    @TempDir
    Path ws;

    @Test
    void onThisLinuxKernelTheAutomaticChoiceIsOpenat2() throws Exception {
        try (Workspace w = Workspace.open(ws, null, List.of(), List.of())) {
            assertThat(w.files()).isInstanceOfSatisfying(KernelFileAccess.class,
                    k -> assertThat(k.usesOpenat2()).isTrue());
        }
    }

    @Test
    void theFallbackWarnsOncePerProcess() throws Exception {
        List<String> warnings = new ArrayList<>();
        AtomicBoolean warned = new AtomicBoolean();

        Workspace.open(ws, null, List.of(), List.of(), Workspace.Confinement.PATH_CHECKS, warned, warnings::add)
                .close();
        Workspace.open(ws, null, List.of(), List.of(), Workspace.Confinement.PATH_CHECKS, warned, warnings::add)
                .close();

        assertThat(warnings).containsExactly(CheckedFileAccess.WARNING);
        assertThat(warnings.getFirst()).contains("check-then-use");
    }

    @Test
    void aModelVisibleRootMapsAbsolutePathsOntoTheHostDirectory() throws Exception {
        Files.writeString(ws.resolve("f.txt"), "x");
        try (Workspace w = Workspace.open(ws, "/workspace/", List.of(), List.of())) {
            Location location = w.locate("/workspace/./sub/../f.txt");

            assertThat(location.parts()).containsExactly("f.txt");
            assertThat(location.visible()).isEqualTo("/workspace/f.txt");
            assertThat(w.hostPath(location)).isEqualTo(ws.toRealPath().resolve("f.txt"));
            assertThat(w.locate("~/x").visible()).isEqualTo("/workspace/~/x");
            assertThat(w.locate("").isRoot()).isTrue();
            assertThatThrownBy(() -> w.locate(ws.resolve("f.txt").toString())).isInstanceOf(AccessDenied.class)
                    .hasMessageEndingWith(" not in /workspace");
            assertThatThrownBy(() -> w.locate("/workspacex/f")).hasMessage(
                    "Access denied - path outside allowed directories: /workspacex/f not in /workspace");
            assertThatThrownBy(() -> w.locate("a\0b")).isInstanceOf(AccessDenied.class);
        }
    }

    @Test
    void protectedEntriesCanBeReadButNotChangedMovedOrCarriedAwayWithTheirParent() throws Exception {
        List<Path> protectedPaths = List.of(ws.resolve(".git"), ws.resolve("config/perstack.toml"));
        try (Workspace w = Workspace.open(ws, "/workspace", List.of(), List.of(), protectedPaths,
                Workspace.Confinement.AUTO)) {
            assertThat(w.locate(".git/config").parts()).containsExactly(".git", "config");
            for (String change : List.of(".git", ".GIT/hooks/pre-commit", "config/perstack.toml", "config", "")) {
                assertThatThrownBy(() -> w.locateForChange(change)).isInstanceOf(AccessDenied.class)
                        .hasMessageContaining("is protected in this run");
            }
            assertThat(w.locateForChange("config/other.toml").parts()).containsExactly("config", "other.toml");
            assertThat(w.locateForChange(".gitignore").parts()).containsExactly(".gitignore");
        }
    }

    @Test
    void normalisationAppliesDotDotWithoutLeavingTheFileSystemRoot() {
        assertThat(Workspace.normalise("/a/b/../../../c/./d//")).isEqualTo("/c/d");
        assertThat(Workspace.normalise("/")).isEqualTo("/");
    }
}
