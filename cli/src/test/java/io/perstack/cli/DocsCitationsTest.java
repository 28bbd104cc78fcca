package io.perstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every document a source file or a doc cites is in the repository: a citation of a doc with a section names a file
 * that exists and a heading with that number in it, and each requirement ({@code SR-n}) or attack ({@code AT-n}) id is defined in
 * SECURITY.md. A citation of a brief that lives outside the checkout fails here.
 */
class DocsCitationsTest {
    private static final Pattern MD = Pattern.compile("(?<![\\w./-])((?:[\\w-]+/)*[\\w-]+\\.md)(?: §(\\d+(?:\\.\\d+)*))?");
    private static final Pattern ID = Pattern.compile("\\b(SR|AT)-\\d+\\b");
    private static Path root;
    private static List<Path> sources;

    @BeforeAll
    static void findSources() throws IOException {
        root = Path.of("").toAbsolutePath().getParent();
        sources = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).filter(p -> {
                String rel = root.relativize(p).toString();
                return !rel.startsWith(".") && !rel.contains("/target/") && !rel.contains("node_modules")
                        && !rel.startsWith("perstack/")
                        && (rel.endsWith(".java") || rel.endsWith(".md") || rel.endsWith(".sh")
                        || rel.startsWith("scripts/"));
            }).forEach(sources::add);
        }
    }

    @Test
    void everyCitedDocumentAndSectionExistsInTheRepository() throws IOException {
        Set<String> broken = new TreeSet<>();
        for (Path source : sources) {
            Matcher m = MD.matcher(citable(source));
            while (m.find()) {
                Path cited = resolve(source, m.group(1));
                String where = root.relativize(source) + ": " + m.group();
                if (cited == null) {
                    broken.add(where + " (no such file)");
                } else if (m.group(2) != null && !hasSection(cited, m.group(2))) {
                    broken.add(where + " (no section " + m.group(2) + ")");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void everyRequirementAndAttackIdIsDefinedInSecurityMd() throws IOException {
        String security = Files.readString(root.resolve("SECURITY.md"));
        Set<String> undefined = new TreeSet<>();
        for (Path source : sources) {
            Matcher m = ID.matcher(citable(source));
            while (m.find()) {
                if (!Pattern.compile("(?m)^\\| *" + m.group() + " *\\|").matcher(security).find()) {
                    undefined.add(m.group() + " in " + root.relativize(source));
                }
            }
        }
        assertThat(undefined).isEmpty();
    }

    /**
     * The text in which a citation can stand: a document without its code blocks, a script, and only the comments
     * of Java source (test data naming a Markdown file is not a citation).
     */
    private static String citable(Path source) throws IOException {
        String text = Files.readString(source);
        if (source.toString().endsWith(".md")) {
            return text.replaceAll("(?ms)^```.*?^```", "");
        }
        if (!source.toString().endsWith(".java")) {
            return text;
        }
        StringBuilder comments = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("*") || trimmed.startsWith("/*") || trimmed.startsWith("//")) {
                comments.append(trimmed).append('\n');
            } else if (line.contains("// ")) {
                comments.append(line.substring(line.indexOf("// "))).append('\n');
            }
        }
        return comments.toString();
    }

    /** A path as written: relative to the citing file (Markdown links), else to the repository root. */
    private static Path resolve(Path source, String name) {
        for (Path candidate : List.of(source.getParent().resolve(name), root.resolve(name))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean hasSection(Path doc, String number) throws IOException {
        Pattern heading = Pattern.compile("(?m)^#{2,4} " + Pattern.quote(number) + "[. ]");
        return heading.matcher(Files.readString(doc)).find();
    }
}
