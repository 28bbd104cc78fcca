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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the files a run reads at its start looked like when a job ended (docs/sandbox.md §4): one SHA-256 per path
 * ({@code absent} when there was no file), as plain lines (checking then costs a start-up no JSON binding) in
 * {@code startup-files.txt}, once in the history folder for the last job that ended and once in each job's own
 * folder, neither of which a sandbox can see. A new run compares with the last job, a continued job also with what it
 * ran with itself, before anything starts, and names each file that changed: {@code --continue} never silently picks
 * up a different skill set or provider URL.
 */
final class StartupFileDigests {
    static final String FILE_NAME = "startup-files.txt";
    private static final String ABSENT = "absent";

    /** What one job left behind: its id and the digests at its end. */
    record Recorded(String jobId, Map<String, String> digests) {}

    private StartupFileDigests() {}

    /**
     * Records the current digests of {@code files} as those at the end of {@code jobId}, in the history folder and,
     * when the job has a record (a run that never started has none), in the job's folder; best effort.
     */
    static void record(Path storageRoot, String jobId, List<Path> files) {
        StringBuilder text = new StringBuilder("job ").append(jobId).append('\n');
        for (Path file : files) {
            text.append(digest(file)).append(' ').append(file.toAbsolutePath().normalize()).append('\n');
        }
        try {
            Files.createDirectories(storageRoot);
            write(storageRoot, text.toString());
            Path jobFolder = jobFolder(storageRoot, jobId);
            if (Files.isRegularFile(jobFolder.resolve("job.json"), LinkOption.NOFOLLOW_LINKS)) {
                write(jobFolder, text.toString());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("Warning: could not record the start-up files of job " + jobId + ": "
                    + TerminalText.visible(String.valueOf(e.getMessage())));
        }
    }

    private static Path jobFolder(Path storageRoot, String jobId) {
        return storageRoot.resolve("jobs").resolve(jobId);
    }

    private static void write(Path folder, String text) throws IOException {
        Path temp = Files.createTempFile(folder, FILE_NAME, ".tmp");
        try {
            Files.writeString(temp, text);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, folder.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * One human line per file among {@code files} whose content differs from what the last job recorded (changed,
     * created or removed); empty when nothing was recorded or nothing changed.
     */
    static List<String> changes(Path storageRoot, List<Path> files) {
        return changes(storageRoot, null, files);
    }

    /**
     * As above, and when {@code continuedJob} is given also against what that job recorded when it last ended; a
     * file is named once, for the comparison that found it first (the continued job's own record).
     */
    static List<String> changes(Path storageRoot, String continuedJob, List<Path> files) {
        Map<String, String> lines = new LinkedHashMap<>();
        if (continuedJob != null) {
            compare(jobFolder(storageRoot, continuedJob).resolve(FILE_NAME), files, lines);
        }
        compare(storageRoot.resolve(FILE_NAME), files, lines);
        return List.copyOf(lines.values());
    }

    private static void compare(Path recordedFile, List<Path> files, Map<String, String> lines) {
        if (!Files.isRegularFile(recordedFile, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Recorded recorded;
        try {
            recorded = parse(Files.readAllLines(recordedFile));
        } catch (IOException | RuntimeException e) {
            lines.putIfAbsent(recordedFile.toString(), "Warning: " + TerminalText.visible(recordedFile.toString())
                    + " is unreadable, so changes to perstack.toml, perstack.lock and env files since that job "
                    + "cannot be checked");
            return;
        }
        for (Path file : files) {
            String path = file.toAbsolutePath().normalize().toString();
            if (lines.containsKey(path)) {
                continue;
            }
            String before = recorded.digests() == null ? null : recorded.digests().get(path);
            if (before == null) {
                continue;
            }
            String now = digest(file);
            if (!before.equals(now)) {
                String what = before.equals(ABSENT) ? "was created" : now.equals(ABSENT) ? "was removed"
                        : "changed";
                lines.put(path, "Warning: " + TerminalText.visible(path) + " " + what + " after job "
                        + TerminalText.visible(String.valueOf(recorded.jobId())) + " ended; check it before "
                        + "trusting this run");
            }
        }
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
