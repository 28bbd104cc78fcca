/**
 * Isolation backends and the egress proxy (docs/isolation.md, docs/sandbox.md). Only the backend
 * facade {@code io.perstack.sandbox} is exported to everyone; the backends are exported to the
 * modules that wire them.
 */
// "module": qualified exports name siblings built later in the reactor; "requires-automatic": third-party
// jars without a module-info are read as automatic modules.
@SuppressWarnings({"module", "requires-automatic"})
module io.perstack.sandbox {
    requires transitive io.perstack.core;
    requires org.slf4j;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.unixdomain.server;

    exports io.perstack.sandbox;
    exports io.perstack.sandbox.bwrap to io.perstack.runtime;
    exports io.perstack.sandbox.egress to io.perstack.runtime, io.perstack.skills;
    exports io.perstack.sandbox.local to io.perstack.runtime;
    exports io.perstack.sandbox.packages to io.perstack.runtime, io.perstack.skills;

    provides io.perstack.core.launch.ProcessLauncher with io.perstack.sandbox.local.LocalLauncher;
}
