package io.perstack.skills.packages;

import java.util.List;
import java.util.Optional;

/**
 * An {@code npx} command line that runs one registry package's program: {@code npx [-y|--yes] <spec> [args...]}.
 * Any other {@code npx} option before the package ({@code -p}, {@code -c}, {@code --registry}) changes what npx
 * would run, so such command lines are not taken over.
 *
 * @param spec      the package
 * @param arguments what follows the package, given to its program
 */
public record NpxInvocation(NpmPackageSpec spec, List<String> arguments) {
    public NpxInvocation {
        arguments = List.copyOf(arguments);
    }

    public static Optional<NpxInvocation> parse(List<String> argv) {
        if (argv.isEmpty() || !argv.getFirst().equals("npx")) {
            return Optional.empty();
        }
        int i = 1;
        while (i < argv.size() && (argv.get(i).equals("-y") || argv.get(i).equals("--yes"))) {
            i++;
        }
        if (i >= argv.size() || argv.get(i).startsWith("-")) {
            return Optional.empty();
        }
        List<String> rest = argv.subList(i + 1, argv.size());
        return NpmPackageSpec.parse(argv.get(i)).map(spec -> new NpxInvocation(spec, rest));
    }
}
