package io.perstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No product code has a test seam that relaxes a security rule (issue #15): nothing in main code names a
 * {@code perstack.test.*} system property. Tests pass relaxed resolvers and exempt ranges explicitly, through
 * {@code SandboxSettings} and {@code McpServer.RemoteAccess}. Checked twice: on the compiled classes (any
 * compile-time constant, however it is read) and on the sources (a name built at run time from its parts).
 * The test kit and the benchmarks are test support, not product, and are left out.
 */
class NoTestSeamsInMainCodeTest {
    private static final String SEAM = "perstack.test.";
    private static final List<String> TEST_SUPPORT = List.of("io.perstack.testkit", "io.perstack.bench");
    private static final List<String> TEST_SUPPORT_MODULES = List.of("testkit", "bench");

    @Test
    void noCompiledMainClassContainsATestPropertyName() throws IOException {
        List<JavaClass> classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.perstack").stream()
                .filter(c -> TEST_SUPPORT.stream().noneMatch(c.getPackageName()::startsWith))
                .toList();
        assertThat(classes).as("main classes were imported").hasSizeGreaterThan(100);

        List<String> offenders = new ArrayList<>();
        for (JavaClass c : classes) {
            URI uri = c.getSource().orElseThrow().getUri();
            try (InputStream in = uri.toURL().openStream()) {
                // Constant-pool strings are modified UTF-8: plain ASCII names appear byte for byte.
                if (new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(SEAM)) {
                    offenders.add(c.getName());
                }
            }
        }
        assertThat(offenders).as("main classes naming a %s* property", SEAM).isEmpty();
    }

    @Test
    void noMainSourceNamesATestProperty() throws IOException {
        Path root = repositoryRoot();
        List<String> offenders = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> modules = Files.list(root)) {
            sources = modules.filter(m -> Files.isDirectory(m.resolve("src/main")))
                    .filter(m -> !TEST_SUPPORT_MODULES.contains(m.getFileName().toString()))
                    .flatMap(NoTestSeamsInMainCodeTest::files)
                    .toList();
        }
        assertThat(sources).as("main sources were found under %s", root).hasSizeGreaterThan(100);
        for (Path file : sources) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            // Also "perstack" + ".test." and the like, split across a concatenation.
            if (text.contains(SEAM) || text.replaceAll("\"\\s*\\+\\s*\"", "").contains(SEAM)) {
                offenders.add(root.relativize(file).toString());
            }
        }
        assertThat(offenders).as("main sources naming a %s* property", SEAM).isEmpty();
    }

    private static Stream<Path> files(Path module) {
        try {
            return Files.walk(module.resolve("src/main")).filter(Files::isRegularFile).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The directory with the Maven wrapper: the module's parent when run by Maven. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("sandbox"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }
}
