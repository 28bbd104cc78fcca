package io.perstack.skills.packages;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The program {@code npx} would run from an installed package: its only {@code bin}, or the one named like the
 * package without its scope. Only Node.js programs are run from the cache (through {@code node}, which the sandbox
 * binds), and only files inside the install.
 */
final class PackageBin {
    private PackageBin() {}

    /** The program's file, or an exception saying why the package cannot be run from the cache. */
    static Path find(Path entry, String name) throws IOException {
        Path dir = PackageCache.packageDirectory(entry, name);
        JsonNode bin = Json.mapper().readTree(dir.resolve("package.json").toFile()).path("bin");
        String unscoped = name.substring(name.indexOf('/') + 1);
        String relative = null;
        if (bin.isTextual()) {
            relative = bin.asText();
        } else if (bin.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = bin.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                names.add(e.getKey());
                if (bin.size() == 1 || e.getKey().equals(unscoped)) {
                    relative = e.getValue().asText(null);
                }
            }
            if (relative == null && !names.isEmpty()) {
                throw new IOException(name + " has several programs (" + String.join(", ", names)
                        + ") and none named " + unscoped);
            }
        }
        if (relative == null || relative.isEmpty()) {
            throw new IOException(name + " has no program to run");
        }
        Path program = dir.resolve(relative).normalize();
        Path real = Files.isRegularFile(program) ? program.toRealPath() : null;
        if (real == null || !program.startsWith(dir) || !real.startsWith(entry.toRealPath())) {
            throw new IOException(name + " names a program outside its package: " + relative);
        }
        if (!isNodeProgram(real)) {
            throw new IOException(name + "'s program " + relative + " is not a Node.js script");
        }
        return real;
    }

    /** A script without an interpreter line, or whose interpreter line names node. */
    private static boolean isNodeProgram(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(256);
            String text = new String(head, StandardCharsets.UTF_8);
            if (!text.startsWith("#!")) {
                return !text.startsWith("\u007fELF");
            }
            String line = text.lines().findFirst().orElse("");
            return line.contains("node");
        }
    }
}
