package io.perstack.sandbox.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The matching rules of docs/isolation.md §5.2/§5.3 (SR-07, SR-08, SR-24, SR-25, SR-27, SR-28; AT-26…AT-29). */
class EgressPolicyTest {
    private final EgressPolicy policy = EgressPolicy.of(List.of("api.example.test", "*.wild.example.test"));

    private Optional<String> refusal(String authority) {
        return policy.judgeTarget(authority).refusal();
    }

    private static InetSocketAddress at(String literal) {
        return new InetSocketAddress(InetAddress.ofLiteral(literal), 443);
    }

    @Test
    void onlyPort443IsAllowed() {
        assertThat(refusal("api.example.test:443")).isEmpty();
        assertThat(refusal("api.example.test:8443")).contains(EgressPolicy.PORT_NOT_ALLOWED);
        assertThat(refusal("api.example.test:80")).contains(EgressPolicy.PORT_NOT_ALLOWED);
        assertThat(refusal("api.example.test")).contains(EgressPolicy.PORT_NOT_ALLOWED);
        assertThat(refusal("api.example.test:0443x")).contains(EgressPolicy.PORT_NOT_ALLOWED);
    }

    @Test
    void ipLiteralsInEveryNotationAreRefused() {
        for (String literal : List.of("127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "127.1", "[::1]",
                "[::ffff:127.0.0.1]", "169.254.169.254", "8.8.8.8", "api.example.123")) {
            assertThat(refusal(literal + ":443")).as(literal).contains(EgressPolicy.IP_LITERAL);
        }
    }

    @Test
    void punycodeAndNonAsciiHostsAreRefused() {
        assertThat(refusal("xn--80ak6aa92e.example.test:443")).contains(EgressPolicy.NON_ASCII);
        assertThat(refusal("api.XN--abc.example.test:443")).contains(EgressPolicy.NON_ASCII);
        assertThat(refusal("аpi.example.test:443")).contains(EgressPolicy.NON_ASCII); // Cyrillic а
        assertThat(refusal("api.exampl\u212A.test:443")).contains(EgressPolicy.NON_ASCII); // Kelvin sign
    }

    @Test
    void caseAndOneTrailingDotAreNormalisedBeforeMatching() {
        EgressPolicy.TargetVerdict v = policy.judgeTarget("API.Example.TEST.:443");

        assertThat(v.refusal()).isEmpty();
        assertThat(v.target()).isEqualTo(new EgressPolicy.Target("api.example.test", 443));
        assertThat(refusal("api.example.test..:443")).contains(EgressPolicy.NOT_IN_ALLOWLIST);
    }

    @Test
    void wildcardsMatchSubdomainsButNeverTheApex() {
        assertThat(refusal("a.wild.example.test:443")).isEmpty();
        assertThat(refusal("a.b.wild.example.test:443")).isEmpty();
        assertThat(refusal("wild.example.test:443")).contains(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(refusal("evilwild.example.test:443")).contains(EgressPolicy.NOT_IN_ALLOWLIST);
    }

    @Test
    void namesOutsideTheAllowlistAreRefused() {
        assertThat(refusal("example.test:443")).contains(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(refusal("api.example.test.evil.test:443")).contains(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(refusal("api.anthropic.com:443")).contains(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(refusal(":443")).contains(EgressPolicy.NOT_IN_ALLOWLIST);
        assertThat(EgressPolicy.of(List.of()).judgeTarget("api.example.test:443").refusal())
                .contains(EgressPolicy.NOT_IN_ALLOWLIST);
    }

    @Test
    void everyBlockedRangeIsRefusedIncludingEmbeddedIpv4() {
        for (String blocked : List.of("0.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                "100.64.0.1", "100.127.255.255", "127.0.0.1", "169.254.169.254", "224.0.0.1", "239.255.255.255",
                "240.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fec0::1", "fc00::1", "fd00::1", "ff02::1",
                "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a00:1", "2002:a00:1::1", "2002:7f00:1::")) {
            assertThat(policy.judgeAddresses(List.of(at(blocked)))).as(blocked)
                    .isEqualTo(new EgressPolicy.AddressVerdict.Refuse(EgressPolicy.ADDRESS_NOT_ALLOWED));
        }
    }

    @Test
    void publicAddressesAreAllowedAndTheFirstOneIsUsed() {
        for (String open : List.of("8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1111",
                "64:ff9b::808:808", "2002:808:808::1")) {
            assertThat(policy.judgeAddresses(List.of(at(open)))).as(open)
                    .isEqualTo(new EgressPolicy.AddressVerdict.Connect(at(open), false));
        }
        assertThat(policy.judgeAddresses(List.of(at("1.1.1.1"), at("8.8.8.8"))))
                .isEqualTo(new EgressPolicy.AddressVerdict.Connect(at("1.1.1.1"), false));
    }

    @Test
    void oneBlockedAddressAmongPublicOnesRefusesTheName() {
        assertThat(policy.judgeAddresses(List.of(at("8.8.8.8"), at("127.0.0.1"))))
                .isEqualTo(new EgressPolicy.AddressVerdict.Refuse(EgressPolicy.ADDRESS_NOT_ALLOWED));
        assertThat(policy.judgeAddresses(List.of()))
                .isEqualTo(new EgressPolicy.AddressVerdict.Refuse(EgressPolicy.NOT_RESOLVED));
    }

    @Test
    void theTestExemptionOpensOnlyTheListedRangesAndSaysSo() {
        EgressPolicy exempt = new EgressPolicy(List.of("api.example.test"), List.of(Cidr.parse("127.0.0.0/8")));

        assertThat(exempt.judgeAddresses(List.of(at("127.0.0.5"))))
                .isEqualTo(new EgressPolicy.AddressVerdict.Connect(at("127.0.0.5"), true));
        assertThat(exempt.judgeAddresses(List.of(at("10.0.0.1"))))
                .isEqualTo(new EgressPolicy.AddressVerdict.Refuse(EgressPolicy.ADDRESS_NOT_ALLOWED));
        assertThat(Cidr.parse("fd00::/8").contains(InetAddress.ofLiteral("fdff::1"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(InetAddress.ofLiteral("fe00::1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3").contains(InetAddress.ofLiteral("10.1.2.4"))).isFalse();
    }
}
