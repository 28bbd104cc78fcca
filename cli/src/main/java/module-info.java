/**
 * The {@code perstack} command (docs/cli.md). Nothing depends on the CLI, so nothing is exported.
 * The launcher runs it from the class path ({@code java -jar}); this descriptor states its reads.
 */
// "module": qualified exports name siblings built later in the reactor; "requires-automatic": third-party
// jars without a module-info are read as automatic modules.
@SuppressWarnings({"module", "requires-automatic"})
module io.perstack.cli {
    requires io.perstack.core;
    requires io.perstack.llm;
    requires io.perstack.base;
    requires io.perstack.sandbox;
    requires io.perstack.skills;
    requires io.perstack.runtime;
    requires io.perstack.server;
    requires info.picocli;
    requires org.jline;
    requires org.slf4j;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires java.net.http;
    requires jdk.httpserver;
    requires jdk.unsupported;

    // picocli injects @Option/@Parameters fields and instantiates the command classes reflectively.
    opens io.perstack.cli to info.picocli, com.fasterxml.jackson.databind;
    opens io.perstack.cli.log to info.picocli, com.fasterxml.jackson.databind;

    provides ch.qos.logback.classic.spi.Configurator with io.perstack.cli.StderrLogging;
}
