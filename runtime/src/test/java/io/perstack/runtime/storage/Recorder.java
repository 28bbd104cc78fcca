package io.perstack.runtime.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.runtime.event.Emitter;
import io.perstack.runtime.event.JsonLinesWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a job printed on stdout, captured through the runtime's own JSON-lines writer, plus file helpers. */
final class Recorder {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final Emitter emitter;

    Recorder(Storage storage) {
        emitter = new Emitter(storage, List.of(new JsonLinesWriter(stdout)));
    }

    List<String> lines() {
        String all = stdout.toString(StandardCharsets.UTF_8);
        return all.isEmpty() ? List.of() : List.of(all.split("\n"));
    }

    /** Every checkpoint object carried by an emitted event (field {@code checkpoint}), in emission order. */
    List<JsonNode> emittedCheckpoints() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines()) {
            JsonNode c = Json.tree(line).get("checkpoint");
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    static long totalBytes(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /** Runs {@code action} with System.err captured and returns what it printed there. */
    static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
