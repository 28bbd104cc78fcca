package io.perstack.cli;

import io.perstack.cli.tui.StartModel;
import io.perstack.cli.tui.StoredHistory;
import io.perstack.cli.tui.TerminalSession;
import io.perstack.core.config.PerstackConfig;
import io.perstack.llm.Providers;
import io.perstack.runtime.storage.FileStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code perstack start [expertKey] [query]}: the interactive terminal UI, with the options of {@code run}. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Pick an Expert, run it with a live view, answer its questions and browse the job history.")
final class StartCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "expertKey",
            description = "Key of the Expert to run (default: pick one from a list)")
    String expertKey;

    @Parameters(index = "1", arity = "0..1", paramLabel = "query",
            description = "The task for the Expert (default: asked for)")
    String query;

    @Mixin
    RunFlags flags;

    @Override
    public Integer call() {
        Path cwd = Path.of("").toAbsolutePath();
        PerstackConfig config = ConfigSource.load(flags.config, cwd);
        StoredHistory history = new StoredHistory(new FileStorage(
                Invocation.storageRoot(cwd, System.getenv("PERSTACK_STORAGE_PATH"))));
        try (TerminalSession terminal = TerminalSession.open().orElseThrow(() -> new UserError(
                "perstack start needs a terminal; use perstack run to run an Expert from a script"));
             Providers providers = new Providers()) {
            StartModel opening = StartModel.opening(List.copyOf(config.experts().keySet()), history, expertKey);
            return new StartSession(terminal, flags, history, providers).run(opening, expertKey, query);
        }
    }
}
