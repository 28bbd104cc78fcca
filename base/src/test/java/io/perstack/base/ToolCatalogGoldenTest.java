package io.perstack.base;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.base.fs.Workspace.Confinement;
import io.perstack.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool catalog the model sees, byte for byte: names, order, descriptions and schemas. Prompts written for the
 * TypeScript base skill depend on it, so a change here must be deliberate. To accept one, run with
 * {@code -Dperstack.golden.update=<path of tool-catalog.golden.json>} and review the diff.
 */
class ToolCatalogGoldenTest {
    @TempDir
    Path ws;

    @Test
    void catalogMatchesTheGoldenFile() throws IOException {
        String actual;
        try (Harness h = new Harness(ws, Confinement.AUTO)) {
            actual = Json.writePretty(h.skill.tools()) + "\n";
        }
        String update = System.getProperty("perstack.golden.update");
        if (update != null && !update.isBlank()) {
            Files.writeString(Path.of(update), actual, StandardCharsets.UTF_8);
        }
        String expected;
        try (InputStream in = ToolCatalogGoldenTest.class.getResourceAsStream("tool-catalog.golden.json")) {
            assertThat(in).as("golden file").isNotNull();
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(expected);
    }
}
