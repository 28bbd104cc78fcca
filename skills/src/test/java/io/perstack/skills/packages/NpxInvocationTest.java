package io.perstack.skills.packages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NpxInvocationTest {
    @Test
    void aScopedPinnedPackageAndItsArgumentsAreRecognised() {
        NpxInvocation npx = NpxInvocation.parse(List.of("npx", "-y", "@scope/pkg@1.2.3", "stdio", "--flag"))
                .orElseThrow();

        assertThat(npx.spec()).isEqualTo(new NpmPackageSpec("@scope/pkg", "1.2.3"));
        assertThat(npx.spec().pinned()).isTrue();
        assertThat(npx.arguments()).containsExactly("stdio", "--flag");
    }

    @Test
    void aPackageWithoutVersionAsksForLatestAndRangesAreNotPinned() {
        assertThat(NpxInvocation.parse(List.of("npx", "--yes", "pkg")).orElseThrow().spec())
                .isEqualTo(new NpmPackageSpec("pkg", "latest"));
        assertThat(NpmPackageSpec.parse("pkg@^1.2").orElseThrow().pinned()).isFalse();
        assertThat(NpmPackageSpec.parse("@scope/pkg").orElseThrow().requested()).isEqualTo("latest");
    }

    @Test
    void commandLinesNpxWouldReadDifferentlyAreLeftToNpx() {
        assertThat(NpxInvocation.parse(List.of("npx", "-p", "a", "b"))).isEmpty();
        assertThat(NpxInvocation.parse(List.of("npx", "--registry=https://evil", "pkg"))).isEmpty();
        assertThat(NpxInvocation.parse(List.of("npx", "-y"))).isEmpty();
        assertThat(NpxInvocation.parse(List.of("node", "pkg"))).isEmpty();
    }

    @Test
    void onlyPlainRegistryNamesQualifyNeverPathsUrlsOrAliases() {
        for (String spec : List.of("./local", "../up", "/abs/path", "github:user/repo", "git+https://x/y.git",
                "https://example.com/p.tgz", "file:../x", "alias@npm:other@1", "@scope/../../etc", "pkg@1.0.0/../x",
                "@scope/a/b", ".hidden", "pkg@$(id)")) {
            assertThat(NpmPackageSpec.parse(spec)).as(spec).isEmpty();
        }
    }

    @Test
    void exactVersionsAreSemanticVersionsOnly() {
        assertThat(NpmPackageSpec.isExact("2026.8.31")).isTrue();
        assertThat(NpmPackageSpec.isExact("1.0.0-beta.1+build.5")).isTrue();
        for (String v : List.of("1.0", "latest", "^1.0.0", "1.0.0/..", "../1.0.0", "1.0.0 ")) {
            assertThat(NpmPackageSpec.isExact(v)).as(v).isFalse();
        }
    }
}
