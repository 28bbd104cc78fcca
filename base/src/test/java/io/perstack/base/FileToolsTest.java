package io.perstack.base;

import static io.perstack.base.Harness.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.base.fs.Workspace.Confinement;
import io.perstack.core.model.MessagePart;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour, outputs and exact error texts of the file tools (docs/base-skill.md §5), kernel-confined. */
class FileToolsTest {
    @TempDir
    Path ws;

    private Harness h;

    @BeforeEach
    void open() {
        h = new Harness(ws, Confinement.AUTO);
    }

    @AfterEach
    void close() {
        h.close();
    }

    private void readOnly(Path p) throws Exception {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x"
                : "r--r--r--"));
    }

    @Test
    void readTextFileReturnsALineRangeSplitOnLineFeedsOnly() throws Exception {
        Files.writeString(ws.resolve("a.txt"), "zero\r\none\ntwo\nthree\n");

        JsonNode all = h.ok("readTextFile", args("path", "a.txt"));
        JsonNode range = h.ok("readTextFile", args("path", "a.txt", "from", 1, "to", 3));

        assertThat(all.path("content").asText()).isEqualTo("zero\r\none\ntwo\nthree\n");
        assertThat(all.path("from").asInt()).isZero();
        assertThat(all.path("to").asInt()).isEqualTo(5);
        assertThat(all.path("path").asText()).isEqualTo("a.txt");
        assertThat(range.path("content").asText()).isEqualTo("one\ntwo");
        assertThat(range.path("to").asInt()).isEqualTo(3);
        assertThat(h.ok("readTextFile", args("path", "a.txt", "from", -2)).path("content").asText())
                .isEqualTo("three\n");
    }

    @Test
    void readTextFileReplacesInvalidUtf8AndReportsMissingFiles() throws Exception {
        Files.write(ws.resolve("bad.txt"), new byte[] {'o', 'k', (byte) 0xff, '!'});

        assertThat(h.ok("readTextFile", args("path", "bad.txt")).path("content").asText()).isEqualTo("ok\uFFFD!");
        assertThat(h.error("readTextFile", args("path", "none.txt"))).isEqualTo("File none.txt does not exist.");
    }

    @Test
    void readImageFileInlinesTheImageAsBase64() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        Files.write(ws.resolve("pic.PNG"), png);

        BaseToolResult result = h.raw("readImageFile", args("path", "pic.PNG"));

        assertThat(result.isError()).isFalse();
        MessagePart.ImageInlinePart part = (MessagePart.ImageInlinePart) result.contents().getFirst();
        assertThat(part.mimeType()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(part.encodedData())).isEqualTo(png);
    }

    @Test
    void readImageFileRefusesUnsupportedAndOversizedFiles() throws Exception {
        Files.writeString(ws.resolve("x.bmp"), "bmp");
        try (RandomAccessFile big = new RandomAccessFile(ws.resolve("big.jpg").toFile(), "rw")) {
            big.setLength(16L * 1024 * 1024);
        }

        assertThat(h.error("readImageFile", args("path", "x.bmp"))).isEqualTo("File x.bmp is not supported.");
        assertThat(h.error("readImageFile", args("path", "nope.png"))).isEqualTo("File nope.png does not exist.");
        assertThat(h.error("readImageFile", args("path", "big.jpg"))).isEqualTo("Image file too large (16.0MB). "
                + "Maximum supported size is 15MB. Please use a smaller image file.");
    }

    @Test
    void readPdfFileInlinesPdfsAndRefusesOthers() throws Exception {
        Files.writeString(ws.resolve("doc.pdf"), "%PDF-1.4");
        Files.writeString(ws.resolve("doc.txt"), "text");
        try (RandomAccessFile big = new RandomAccessFile(ws.resolve("big.pdf").toFile(), "rw")) {
            big.setLength(31L * 1024 * 1024);
        }

        MessagePart.FileInlinePart part = (MessagePart.FileInlinePart) h.raw("readPdfFile",
                args("path", "doc.pdf")).contents().getFirst();

        assertThat(part.mimeType()).isEqualTo("application/pdf");
        assertThat(new String(Base64.getDecoder().decode(part.encodedData()), StandardCharsets.UTF_8))
                .isEqualTo("%PDF-1.4");
        assertThat(h.error("readPdfFile", args("path", "doc.txt"))).isEqualTo("File doc.txt is not a PDF file.");
        assertThat(h.error("readPdfFile", args("path", "big.pdf"))).isEqualTo("PDF file too large (31.0MB). "
                + "Maximum supported size is 30MB. Please use a smaller PDF file.");
    }

    @Test
    void mediaInStdioModeIsDescribedNotInlined() throws Exception {
        Files.write(ws.resolve("p.gif"), new byte[] {1, 2, 3});
        try (Harness stdio = new Harness(ws, Confinement.AUTO, List.of(), List.of(), null, false)) {
            JsonNode json = stdio.ok("readImageFile", args("path", "p.gif"));

            assertThat(json.path("path").asText()).isEqualTo(stdio.visible("p.gif"));
            assertThat(json.path("mimeType").asText()).isEqualTo("image/gif");
            assertThat(json.path("size").asLong()).isEqualTo(3);
        }
    }

    @Test
    void writeTextFileCreatesParentsAtAnyDepthWithMode644() throws Exception {
        JsonNode json = h.ok("writeTextFile", args("path", "a/b/c/d.txt", "text", "héllo"));

        assertThat(json.path("path").asText()).isEqualTo(h.visible("a/b/c/d.txt"));
        assertThat(json.path("text").asText()).isEqualTo("héllo");
        assertThat(ws.resolve("a/b/c/d.txt")).hasContent("héllo");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.resolve("a/b/c/d.txt"))))
                .startsWith("rw-");
        h.ok("writeTextFile", args("path", "a/b/c/d.txt", "text", "x"));
        assertThat(ws.resolve("a/b/c/d.txt")).hasContent("x");
    }

    @Test
    void writingToAFileWithoutOwnerWriteBitIsRefused() throws Exception {
        Path file = Files.writeString(ws.resolve("ro.txt"), "keep");
        readOnly(file);

        assertThat(h.error("writeTextFile", args("path", "ro.txt", "text", "x"))).isEqualTo("File ro.txt is not writable");
        assertThat(h.error("appendTextFile", args("path", "ro.txt", "text", "x"))).isEqualTo("File ro.txt is not writable");
        assertThat(h.error("editTextFile", args("path", "ro.txt", "oldText", "keep", "newText", "x")))
                .isEqualTo("File ro.txt is not writable");
        assertThat(h.error("deleteFile", args("path", "ro.txt"))).isEqualTo("File ro.txt is not writable");
        assertThat(file).hasContent("keep");
    }

    @Test
    void appendTextFileAppendsRawTextToExistingFilesOnly() throws Exception {
        Files.writeString(ws.resolve("log.txt"), "a");

        h.ok("appendTextFile", args("path", "log.txt", "text", "b"));

        assertThat(ws.resolve("log.txt")).hasContent("ab");
        assertThat(h.error("appendTextFile", args("path", "new.txt", "text", "b")))
                .isEqualTo("File new.txt does not exist.");
    }

    @Test
    void textToolsRefuseFilesOver64MiB() throws Exception {
        try (RandomAccessFile big = new RandomAccessFile(ws.resolve("huge.txt").toFile(), "rw")) {
            big.setLength(64L * 1024 * 1024 + 1);
        }

        assertThat(h.error("appendTextFile", args("path", "huge.txt", "text", "x")))
                .isEqualTo("File huge.txt is too large (limit 67108864 bytes)");
        assertThat(h.error("editTextFile", args("path", "huge.txt", "oldText", "a", "newText", "b")))
                .isEqualTo("File huge.txt is too large (limit 67108864 bytes)");
    }

    @Test
    void editTextFileReplacesTheFirstOccurrenceAndNormalisesLineEndings() throws Exception {
        Files.writeString(ws.resolve("e.txt"), "one\r\ntwo\r\none\r\n");

        JsonNode json = h.ok("editTextFile", args("path", "e.txt", "oldText", "one\r\ntwo", "newText", "1\n2"));

        assertThat(ws.resolve("e.txt")).hasContent("1\n2\none\n");
        assertThat(json.path("path").asText()).isEqualTo(h.visible("e.txt"));
        assertThat(json.path("oldText").asText()).isEqualTo("one\r\ntwo");
        assertThat(h.error("editTextFile", args("path", "e.txt", "oldText", "absent", "newText", "x")))
                .isEqualTo("Could not find exact match for oldText in file " + h.visible("e.txt"));
        assertThat(h.error("editTextFile", args("path", "no.txt", "oldText", "a", "newText", "x")))
                .isEqualTo("File no.txt does not exist.");
    }

    @Test
    void moveFileRenamesWithoutReplacingAndCreatesParents() throws Exception {
        Files.writeString(ws.resolve("src.txt"), "data");
        Files.writeString(ws.resolve("taken.txt"), "other");

        JsonNode json = h.ok("moveFile", args("source", "src.txt", "destination", "x/y/dst.txt"));

        assertThat(json.path("source").asText()).isEqualTo(h.visible("src.txt"));
        assertThat(json.path("destination").asText()).isEqualTo(h.visible("x/y/dst.txt"));
        assertThat(ws.resolve("x/y/dst.txt")).hasContent("data");
        assertThat(ws.resolve("src.txt")).doesNotExist();
        assertThat(h.error("moveFile", args("source", "x/y/dst.txt", "destination", "taken.txt")))
                .isEqualTo("Destination taken.txt already exists.");
        assertThat(ws.resolve("taken.txt")).hasContent("other");
        assertThat(h.error("moveFile", args("source", "gone.txt", "destination", "z.txt")))
                .isEqualTo("Source file gone.txt does not exist.");
        readOnly(ws.resolve("taken.txt"));
        assertThat(h.error("moveFile", args("source", "taken.txt", "destination", "z.txt")))
                .isEqualTo("Source file taken.txt is not writable");
    }

    @Test
    void deleteFileRemovesFilesButNotDirectories() throws Exception {
        Files.writeString(ws.resolve("f.txt"), "x");
        Files.createDirectory(ws.resolve("d"));

        assertThat(h.ok("deleteFile", args("path", "f.txt")).path("path").asText()).isEqualTo(h.visible("f.txt"));
        assertThat(ws.resolve("f.txt")).doesNotExist();
        assertThat(h.error("deleteFile", args("path", "f.txt"))).isEqualTo("File f.txt does not exist.");
        assertThat(h.error("deleteFile", args("path", "d")))
                .isEqualTo("Path d is a directory. Use delete directory tool instead.");
    }

    @Test
    void getFileInfoDescribesFilesAndDirectories() throws Exception {
        Files.writeString(ws.resolve("notes.md"), "x".repeat(1240));
        Files.createDirectory(ws.resolve("dir"));

        JsonNode file = h.ok("getFileInfo", args("path", "notes.md"));
        JsonNode dir = h.ok("getFileInfo", args("path", "dir"));

        assertThat(file.path("exists").asBoolean()).isTrue();
        assertThat(file.path("absolutePath").asText()).isEqualTo(h.visible("notes.md"));
        assertThat(file.path("name").asText()).isEqualTo("notes.md");
        assertThat(file.path("directory").asText()).isEqualTo(h.visible(""));
        assertThat(file.path("extension").asText()).isEqualTo(".md");
        assertThat(file.path("type").asText()).isEqualTo("file");
        assertThat(file.path("mimeType").asText()).isEqualTo("text/markdown");
        assertThat(file.path("size").asLong()).isEqualTo(1240);
        assertThat(file.path("sizeFormatted").asText()).isEqualTo("1.21 KB");
        assertThat(file.path("modified").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(file.path("created").asText()).endsWith("Z");
        assertThat(file.path("permissions").path("writable").asBoolean()).isTrue();
        assertThat(file.path("permissions").path("executable").asBoolean()).isFalse();
        assertThat(dir.path("type").asText()).isEqualTo("directory");
        assertThat(dir.get("extension").isNull()).isTrue();
        assertThat(dir.get("mimeType").isNull()).isTrue();
        assertThat(h.error("getFileInfo", args("path", "nope")))
                .isEqualTo("File or directory nope does not exist");
    }

    @Test
    void listDirectorySortsByCodePointAndShowsLinksAsSymlinks() throws Exception {
        Files.writeString(ws.resolve("b.txt"), "bb");
        Files.createDirectory(ws.resolve("A"));
        Files.writeString(ws.resolve("a.txt"), "a");
        Files.createSymbolicLink(ws.resolve("link"), Path.of("/etc"));

        JsonNode json = h.ok("listDirectory", args("path", "."));

        assertThat(json.path("path").asText()).isEqualTo(h.visible(""));
        assertThat(json.path("items").findValuesAsText("name")).containsExactly("A", "a.txt", "b.txt", "link");
        JsonNode b = json.path("items").get(2);
        assertThat(b.path("path").asText()).isEqualTo("b.txt");
        assertThat(b.path("type").asText()).isEqualTo("file");
        assertThat(b.path("size").asLong()).isEqualTo(2);
        assertThat(json.path("items").get(0).path("type").asText()).isEqualTo("directory");
        JsonNode link = json.path("items").get(3);
        assertThat(link.path("type").asText()).isEqualTo("symlink");
        assertThat(link.path("size").asLong()).isZero();
        assertThat(h.error("listDirectory", args("path", "a.txt"))).isEqualTo("Path a.txt is not a directory.");
        assertThat(h.error("listDirectory", args("path", "nope"))).isEqualTo("Directory nope does not exist.");
    }

    @Test
    void createDirectoryCreatesIntermediatesAndRefusesExistingOnes() throws Exception {
        JsonNode json = h.ok("createDirectory", args("path", "p/q/r"));

        assertThat(json.path("path").asText()).isEqualTo(h.visible("p/q/r"));
        assertThat(ws.resolve("p/q/r")).isDirectory();
        assertThat(h.error("createDirectory", args("path", "p/q"))).isEqualTo("Directory p/q already exists");
        readOnly(ws.resolve("p/q/r"));
        assertThat(h.error("createDirectory", args("path", "p/q/r/s")))
                .isEqualTo("Parent directory " + h.visible("p/q/r") + " is not writable");
    }

    @Test
    void deleteDirectoryNeedsRecursiveForContent() throws Exception {
        Files.createDirectories(ws.resolve("t/u"));
        Files.writeString(ws.resolve("t/u/f.txt"), "x");
        Files.writeString(ws.resolve("file.txt"), "x");
        Files.createDirectory(ws.resolve("empty"));

        assertThat(h.error("deleteDirectory", args("path", "t")))
                .isEqualTo("Directory t is not empty. Set recursive to true to delete it.");
        assertThat(h.error("deleteDirectory", args("path", "file.txt")))
                .isEqualTo("Path file.txt is not a directory. Use deleteFile tool instead.");
        assertThat(h.error("deleteDirectory", args("path", "nope"))).isEqualTo("Directory nope does not exist.");
        h.ok("deleteDirectory", args("path", "empty"));
        assertThat(h.ok("deleteDirectory", args("path", "t", "recursive", true)).path("path").asText())
                .isEqualTo(h.visible("t"));
        assertThat(ws.resolve("t")).doesNotExist();
        assertThat(ws.resolve("empty")).doesNotExist();
        Files.createDirectory(ws.resolve("ro"));
        readOnly(ws.resolve("ro"));
        assertThat(h.error("deleteDirectory", args("path", "ro"))).isEqualTo("Directory ro is not writable");
    }

    @Test
    void aFifoIsRefusedInsteadOfBlockingTheReader() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", ws.resolve("pipe").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();

        assertThat(h.error("readTextFile", args("path", "pipe"))).startsWith("Operation failed on ");
    }
}
