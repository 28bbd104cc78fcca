/**
 * The base skill's tools and its standalone stdio MCP server (docs/base-skill.md).
 * {@code fs} (the openat2 confinement) stays internal.
 */
// "module": qualified exports name siblings built later in the reactor; "requires-automatic": third-party
// jars without a module-info are read as automatic modules.
@SuppressWarnings({"module", "requires-automatic"})
module io.perstack.base {
    requires transitive io.perstack.core;
    requires org.slf4j;

    exports io.perstack.base;
    exports io.perstack.base.mcp;
    // The tool classes: only the skills module's in-process base skill dispatches to them.
    exports io.perstack.base.tools to io.perstack.skills;

    opens io.perstack.base.tools to com.fasterxml.jackson.databind;

    uses io.perstack.core.launch.ProcessLauncher;
}
