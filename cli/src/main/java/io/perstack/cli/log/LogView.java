package io.perstack.cli.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import java.util.List;

/**
 * What one {@code log} invocation shows, before formatting.
 *
 * @param checkpoint  the checkpoint asked for with {@code --checkpoint}, else {@code null}
 * @param checkpoints the job's checkpoints for {@code --job}, else empty
 * @param runs        the job's stored run settings for {@code --job}, else empty
 * @param events      the selected events as wire JSON, in stored order
 * @param summary     totals over every matched event (not only the shown page)
 * @param latestJob   whether the job was chosen as the latest one because none was named
 */
record LogView(Job job, Checkpoint checkpoint, List<Checkpoint> checkpoints, List<JsonNode> runs,
               List<JsonNode> events, int matched, int matchedAfterPagination, EventSummary summary,
               boolean latestJob, String storagePath) {}
