package io.perstack.cli;

import io.perstack.core.policy.TerminalText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the files a run reads at its start looked like when the last job in this history ended (docs/sandbox.md
 * §4): one SHA-256 per path ({@code absent} when there was no file), kept in {@code startup-files.txt} in the
 * history folder (plain lines, so checking costs a start-up no JSON binding), which no sandbox can see. The next run compares before anything starts and names each file that
 * changed, so {@code --continue} never silently picks up a different skill set or provider URL.
 */
final class StartupFileDigests {
    static final String FILE_NAME = "startup-files.txt";
    private static final String ABSENT = "absent";

    /** What one job left behind: its id and the digests at its end. */
    record Recorded(String jobId, Map<String, String> digests) {}

    private StartupFileDigests() {}

    /** Records the current digests of {@code files} as those at the end of {@code jobId}; best effort. */
    static void record(Path storageRoot, String jobId, List<Path> files) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (Path file : files) {
            digests.put(file.toAbsolutePath().normalize().toString(), digest(file));
        }
        try {
            Files.createDirectories(storageRoot);
            Path target = storageRoot.resolve(FILE_NAME);
            Path temp = Files.createTempFile(storageRoot, FILE_NAME, ".tmp");
            StringBuilder text = new StringBuilder("job ").append(jobId).append('\n');
            digests.forEach((path, digest) -> text.append(digest).append(' ').append(path).append('\n'));
            Files.writeString(temp, text);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("Warning: could not record the start-up files of job " + jobId + ": "
                    + TerminalText.visible(String.valueOf(e.getMessage())));
        }
    }

    /**
     * One human line per file among {@code files} whose content differs from what the last job recorded (changed,
     * created or removed); empty when nothing was recorded or nothing changed.
     */
    static List<String> changes(Path storageRoot, List<Path> files) {
        Path recordedFile = storageRoot.resolve(FILE_NAME);
        if (!Files.isRegularFile(recordedFile, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        Recorded recorded;
        try {
            recorded = parse(Files.readAllLines(recordedFile));
        } catch (IOException | RuntimeException e) {
            return List.of("Warning: " + recordedFile + " is unreadable, so changes to perstack.toml, perstack.lock "
                    + "and env files since the last job cannot be checked");
        }
        List<String> lines = new ArrayList<>();
        for (Path file : files) {
            String path = file.toAbsolutePath().normalize().toString();
            String before = recorded.digests() == null ? null : recorded.digests().get(path);
            if (before == null) {
                continue;
            }
            String now = digest(file);
            if (!before.equals(now)) {
                String what = before.equals(ABSENT) ? "was created" : now.equals(ABSENT) ? "was removed"
                        : "changed";
                lines.add("Warning: " + TerminalText.visible(path) + " " + what + " after job "
                        + TerminalText.visible(String.valueOf(recorded.jobId())) + " ended; check it before "
                        + "trusting this run");
            }
        }
        return lines;
    }

    private static Recorded parse(List<String> lines) {
        if (lines.isEmpty() || !lines.getFirst().startsWith("job ")) {
            throw new IllegalArgumentException("no job line");
        }
        Map<String, String> digests = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int space = line.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("malformed line");
            }
            digests.put(line.substring(space + 1), line.substring(0, space));
        }
        return new Recorded(lines.getFirst().substring(4), digests);
    }

    private static String digest(Path file) {
        if (!Files.isRegularFile(file)) {
            return ABSENT;
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            return "unreadable";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
