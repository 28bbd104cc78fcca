package io.perstack.runtime.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code run-setting.json} as read back. The whole document is kept as JSON because it is written by the runtime
 * in whatever secret-free shape it chose; the fields listings sort and filter by are lifted out. Job and run ids
 * come from the directory names, which were validated, not from the file.
 */
public record StoredRunSetting(String jobId, String runId, String expertKey, long startedAt, long updatedAt,
                               ObjectNode setting) {}
