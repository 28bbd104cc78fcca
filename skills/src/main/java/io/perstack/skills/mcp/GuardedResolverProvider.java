package io.perstack.skills.mcp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The JVM-wide name resolver: the platform's own, plus {@link AddressGuard}'s check for the host names of remote
 * skill endpoints. Installed as a service so that the HTTP client of the MCP SDK, which resolves names itself, is
 * held to the rule too; lookups of any other name are passed through untouched.
 */
public final class GuardedResolverProvider extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                RemoteAddressRules rules = AddressGuard.rules(host);
                if (rules == null) {
                    return builtin.lookupByName(host, policy);
                }
                InetAddress[] answer = AddressGuard.fixedAnswer(host, rules);
                if (answer == null) {
                    answer = builtin.lookupByName(host, policy).toArray(InetAddress[]::new);
                }
                AddressGuard.check(host, answer, rules);
                return Arrays.stream(answer);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "perstack-guarded";
    }
}
