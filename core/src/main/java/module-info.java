/**
 * The model: configuration, messages, events, checkpoints, ids, launch and security policies
 * (docs/architecture.md). Every package but {@code env} is imported by several sibling modules.
 * Exported packages are pinned by {@code ModuleDescriptorTest} in the cli module.
 */
// "module": qualified exports name siblings built later in the reactor; "requires-automatic": third-party
// jars without a module-info are read as automatic modules.
@SuppressWarnings({"module", "requires-automatic"})
module io.perstack.core {
    requires transitive com.fasterxml.jackson.databind;
    requires org.tomlj;

    exports io.perstack.core.config;
    exports io.perstack.core.event;
    exports io.perstack.core.id;
    exports io.perstack.core.json;
    exports io.perstack.core.launch;
    exports io.perstack.core.model;
    exports io.perstack.core.policy;
    exports io.perstack.core.tool;
    // The .env loader: only the CLI reads .env files (docs/cli.md).
    exports io.perstack.core.env to io.perstack.cli;

    // Records and sealed hierarchies that Jackson writes and reads (docs/events.md, docs/storage.md).
    opens io.perstack.core.config to com.fasterxml.jackson.databind;
    opens io.perstack.core.event to com.fasterxml.jackson.databind;
    opens io.perstack.core.id to com.fasterxml.jackson.databind;
    opens io.perstack.core.json to com.fasterxml.jackson.databind;
    opens io.perstack.core.model to com.fasterxml.jackson.databind;
    opens io.perstack.core.tool to com.fasterxml.jackson.databind;

    // The base skill's standalone server finds the isolation backend's launcher this way.
    uses io.perstack.core.launch.ProcessLauncher;
}
