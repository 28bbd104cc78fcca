/**
 * The agent loop, delegation, job and run bookkeeping, storage (docs/runtime.md).
 *
 * <p>The embedding API (docs/embedding.md) is exactly these exported packages:
 * <ul>
 *   <li>{@code io.perstack.runtime}: {@code Perstack.run}, {@code RunSetting}, {@code RunInput},
 *       {@code RunOptions}, {@code RunListener}, {@code RunNotice};</li>
 *   <li>{@code io.perstack.runtime.storage}: {@code Storage} ({@code StorageReader},
 *       {@code StorageWriter}), {@code FileStorage}, {@code JobInUseException};</li>
 *   <li>{@code io.perstack.runtime.loop}: {@code RunControl} only; the other public types of the
 *       loop package are public for the loop's own sub-packages' sake and are not API;</li>
 *   <li>from {@code io.perstack.core} (read transitively): {@code config} ({@code PerstackToml},
 *       {@code PerstackConfig}), {@code model} ({@code Checkpoint}, {@code ToolCall}),
 *       {@code event} ({@code Event}, {@code EventPayload}) and {@code json} ({@code Json}).</li>
 * </ul>
 * {@code cost} and {@code event} are exported to the CLI only; {@code prompt} is internal.
 */
// "module": qualified exports name siblings built later in the reactor; "requires-automatic": third-party
// jars without a module-info are read as automatic modules.
@SuppressWarnings({"module", "requires-automatic"})
module io.perstack.runtime {
    requires transitive io.perstack.core;
    requires transitive io.perstack.llm;
    requires io.perstack.skills;
    requires io.perstack.sandbox;
    requires org.slf4j;

    exports io.perstack.runtime;
    exports io.perstack.runtime.storage;
    exports io.perstack.runtime.loop;
    exports io.perstack.runtime.cost to io.perstack.cli;
    exports io.perstack.runtime.event to io.perstack.cli;

    // run-setting.json, job.json and the event lines are written and read by Jackson (docs/storage.md).
    opens io.perstack.runtime to com.fasterxml.jackson.databind;
    opens io.perstack.runtime.storage to com.fasterxml.jackson.databind;
    opens io.perstack.runtime.event to com.fasterxml.jackson.databind;
}
