/**
 * History storage (docs/storage.md): the {@link io.perstack.runtime.storage.Storage} SPI and its filesystem backend
 * {@link io.perstack.runtime.storage.FileStorage}.
 *
 * <h2>Encoding (docs/storage.md §5 leaves it to the implementation)</h2>
 * <ul>
 *   <li>{@code jobs/<jobId>/runs/<runId>/messages.jsonl} is the run's message log. Line 1 is the header
 *       {@code {"base":{"runId":"<run>","count":<n>}}} or {@code {"base":null}}; each further line is one message in
 *       wire JSON, in history order. A fresh job's run and a delegated child have {@code "base":null}; a run that
 *       continues a checkpoint (continuation, delegation return, {@code --resume-from}) has that checkpoint's
 *       reference as base, so continuing or branching never copies or rewrites a history.</li>
 *   <li>A reference {@code {"runId":R,"count":n}} names the history "base of R, then the first {@code n - |base|}
 *       messages of R's log" ({@code n <= |base|} names a prefix of the base). Base links only point to earlier
 *       runs of the same job.</li>
 *   <li>{@code checkpoints/<id>.json} is the wire checkpoint without {@code messages} and with
 *       {@code "messageRef":{"runId":…,"count":…}}. Reading it returns the wire form with {@code messages} restored
 *       and {@code messageRef} kept. A checkpoint file that has {@code messages} (TypeScript layout, imports) is
 *       taken as is.</li>
 *   <li>{@code events.jsonl} holds the flat event JSON with every embedded history replaced:
 *       {@code startGeneration} carries a top-level {@code messageRef} instead of {@code messages}, and each
 *       embedded checkpoint ({@code checkpoint}, {@code initialCheckpoint}, {@code nextCheckpoint}) carries
 *       {@code messageRef} instead of {@code messages}. Readers restore {@code messages} and drop those references,
 *       because the runtime emits checkpoints without one. {@code runtime-events.jsonl} holds runtime events
 *       verbatim.</li>
 * </ul>
 *
 * <h2>Writing</h2>
 * The writer keeps, per open run, how long a history its log already covers; a checkpoint or
 * {@code startGeneration} hands over the full history and only the messages beyond that length are appended, so
 * persisting a step writes the step's new messages, one small checkpoint file and a few event lines, whatever the
 * step number. Before a checkpoint is renamed into place the run's JSONL files are fsynced; whole-file writes go
 * through a temporary file, fsync, rename and directory fsync; files are 0600 and directories 0700 on POSIX.
 */
package io.perstack.runtime.storage;
