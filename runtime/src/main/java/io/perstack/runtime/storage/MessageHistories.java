package io.perstack.runtime.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.MessageRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The read side of the message logs of one job: turns a {@link MessageRef} back into the history it names. One
 * instance serves one read operation and caches every log it reads, so materialising any number of references
 * reads each log at most once and follows at most one base link per run (invariant 6).
 */
final class MessageHistories {
    /** Marker returned by {@link #parseHeader} for a first line that is not a log header. */
    static final MessageRef BAD_HEADER = new MessageRef("", -1);

    /** The stored reference or history could not be resolved; the reader skips the item that needs it. */
    static final class Unresolvable extends Exception {
        private static final long serialVersionUID = 1L;

        Unresolvable(String message) {
            super(message, null, false, false);
        }
    }

    /** A run's log as read: its base and the message lines up to the first unreadable one. */
    private record Log(MessageRef base, List<JsonNode> messages) {}

    private final Path runsDir;
    private final Warnings warnings;
    private final Map<String, Log> logs = new HashMap<>();
    private int logsRead;

    MessageHistories(Path runsDir, Warnings warnings) {
        this.runsDir = runsDir;
        this.warnings = warnings;
    }

    /** How many log files this instance has read (each at most once). */
    int logsRead() {
        return logsRead;
    }

    /** The history named by {@code ref}: the base history of its run followed by that run's first messages. */
    List<JsonNode> materialize(MessageRef ref) throws Unresolvable {
        List<List<JsonNode>> segments = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        String runId = ref.runId();
        int count = ref.count();
        while (count > 0) {
            if (!visited.add(runId)) {
                throw new Unresolvable("Message log base links of run " + runId + " form a cycle");
            }
            Log log = log(runId);
            int baseCount = log.base() == null ? 0 : log.base().count();
            if (count <= baseCount) {
                // A prefix of the base history: the run's own messages are not needed.
                runId = log.base().runId();
                continue;
            }
            int own = count - baseCount;
            if (own > log.messages().size()) {
                throw new Unresolvable("Run " + runId + " has fewer stored messages than referenced");
            }
            segments.add(log.messages().subList(0, own));
            if (log.base() == null) {
                break;
            }
            runId = log.base().runId();
            count = baseCount;
        }
        List<JsonNode> history = new ArrayList<>();
        for (int i = segments.size() - 1; i >= 0; i--) {
            history.addAll(segments.get(i));
        }
        return history;
    }

    /** Replaces a stored checkpoint's reference by its history; the reference stays to say where it came from. */
    void expandCheckpoint(ObjectNode checkpoint) throws Unresolvable {
        JsonNode ref = checkpoint.get("messageRef");
        if (ref != null && !checkpoint.has("messages")) {
            checkpoint.set("messages", array(materialize(parseRef(ref))));
        }
    }

    /**
     * Turns a stored event back into its wire form: a top-level {@code messageRef} becomes {@code messages}
     * ({@code startGeneration}), and every embedded checkpoint gets its {@code messages} back. The runtime emits
     * checkpoints without a {@code messageRef}, so the reference is dropped from embedded ones.
     */
    void expandEvent(ObjectNode event) throws Unresolvable {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        if (event.has("messageRef") && !event.has("messages")) {
            event.set("messages", array(materialize(parseRef(event.get("messageRef")))));
            event.remove("messageRef");
        }
        for (String name : names) {
            if (event.get(name) instanceof ObjectNode embedded && embedded.has("messageRef")
                    && !embedded.has("messages")) {
                embedded.set("messages", array(materialize(parseRef(embedded.get("messageRef")))));
                embedded.remove("messageRef");
            }
        }
    }

    /** The base of a log's first line: {@code null} for an empty base, {@link #BAD_HEADER} if it is no header. */
    static MessageRef parseHeader(String line) {
        if (line == null) {
            return BAD_HEADER;
        }
        try {
            JsonNode header = Json.mapper().readTree(line);
            if (header == null || !header.isObject() || !header.has("base")) {
                return BAD_HEADER;
            }
            JsonNode base = header.get("base");
            return base.isNull() ? null : parseRef(base);
        } catch (IOException | Unresolvable e) {
            return BAD_HEADER;
        }
    }

    static MessageRef parseRef(JsonNode node) throws Unresolvable {
        JsonNode runId = node.get("runId");
        JsonNode count = node.get("count");
        if (runId == null || !runId.isTextual() || !Ids.isValid(runId.asText()) || count == null
                || !count.canConvertToInt() || count.asInt() < 0) {
            throw new Unresolvable("Invalid message reference " + node);
        }
        return new MessageRef(runId.asText(), count.asInt());
    }

    private Log log(String runId) throws Unresolvable {
        Log cached = logs.get(runId);
        if (cached != null) {
            return cached;
        }
        Path file = runsDir.resolve(runId).resolve(Layout.MESSAGES_FILE);
        LineScan scan;
        try {
            logsRead++;
            scan = LineScan.read(file);
        } catch (IOException e) {
            warnings.unreadable(file);
            throw new Unresolvable("Cannot read " + file);
        }
        if (scan.missing()) {
            throw new Unresolvable("No message log for run " + runId);
        }
        List<String> lines = scan.lines();
        MessageRef base = lines.isEmpty() ? BAD_HEADER : parseHeader(lines.getFirst());
        if (base == BAD_HEADER) {
            warnings.unreadable(file);
            throw new Unresolvable("Unreadable message log header in " + file);
        }
        List<JsonNode> messages = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            JsonNode message = parseMessage(lines.get(i));
            if (message == null) {
                // Later lines cannot be placed reliably; references up to here still resolve.
                warnings.unreadable(file);
                break;
            }
            messages.add(message);
        }
        Log log = new Log(base, messages);
        logs.put(runId, log);
        return log;
    }

    private static JsonNode parseMessage(String line) {
        if (line == null) {
            return null;
        }
        try {
            JsonNode node = Json.mapper().readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static ArrayNode array(List<JsonNode> messages) {
        ArrayNode array = Json.mapper().createArrayNode();
        array.addAll(messages);
        return array;
    }
}
