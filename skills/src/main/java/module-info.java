/**
 * Skill managers: MCP client, interactive, delegate, the in-process base skill, the lockfile
 * (docs/skills.md). Nothing here is API for embedders; every package is exported only to the
 * module that uses it.
 */
// "module": qualified exports name siblings built later in the reactor; "requires-automatic": third-party
// jars without a module-info are read as automatic modules.
@SuppressWarnings({"module", "requires-automatic"})
module io.perstack.skills {
    requires transitive io.perstack.core;
    requires transitive io.perstack.sandbox;
    requires io.perstack.base;
    requires java.net.http;
    requires org.slf4j;
    requires com.fasterxml.jackson.dataformat.toml;
    requires io.modelcontextprotocol.sdk.mcp.core;
    requires io.modelcontextprotocol.sdk.mcp.json.jackson2;
    requires reactor.core;

    exports io.perstack.skills to io.perstack.runtime;
    exports io.perstack.skills.base to io.perstack.runtime;
    exports io.perstack.skills.mcp to io.perstack.runtime;
    exports io.perstack.skills.packages to io.perstack.runtime, io.perstack.cli;
    exports io.perstack.skills.lock to io.perstack.cli;

    // perstack.lock and MCP tool schemas are bound by Jackson (docs/skills.md).
    opens io.perstack.skills.lock to com.fasterxml.jackson.databind;
    opens io.perstack.skills.mcp to com.fasterxml.jackson.databind;

    provides java.net.spi.InetAddressResolverProvider with io.perstack.skills.mcp.GuardedResolverProvider;
}
