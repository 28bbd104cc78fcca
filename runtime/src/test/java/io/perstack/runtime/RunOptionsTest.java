package io.perstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.runtime.loop.RunControl;
import io.perstack.runtime.storage.FileStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOptionsTest {
    @TempDir
    Path dir;

    @Test
    void replacingTheControlKeepsEveryOtherOptionLockedPackageVersionsIncluded() {
        RunOptions options = new RunOptions(new FileStorage(dir), List.of(), new RunControl(null), s -> null,
                List.of(dir.resolve(".env")), dir, null, List.of(dir.resolve("perstack.toml")), true,
                Map.of("@x/y@1", "1.2.3"));
        RunControl other = new RunControl(null);

        RunOptions replaced = options.withControl(other);

        assertThat(replaced.control()).isSameAs(other);
        assertThat(replaced).usingRecursiveComparison().ignoringFields("control").isEqualTo(options);
        assertThat(replaced.lockedPackages()).containsEntry("@x/y@1", "1.2.3");
    }
}
