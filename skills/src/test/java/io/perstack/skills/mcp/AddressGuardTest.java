package io.perstack.skills.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.sandbox.egress.Cidr;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resolved-address rule and how relaxed rules (test code only) combine with strict ones. */
class AddressGuardTest {
    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    private static final RemoteAddressRules RELAXED = new RemoteAddressRules(Map.of("Loop.Example.Test.",
            List.of(LOOPBACK)), List.of(Cidr.parse("127.0.0.0/8")));

    @Test
    void strictRulesRefuseEveryBlockedAddressAndAnswerNothing() throws Exception {
        assertThat(RemoteAddressRules.STRICT.strict()).isTrue();
        assertThat(RemoteAddressRules.STRICT.answer("loop.example.test")).isNull();
        assertThatThrownBy(() -> AddressGuard.check("x.example.test", new InetAddress[] {LOOPBACK},
                RemoteAddressRules.STRICT)).isInstanceOf(AddressGuard.BlockedAddress.class)
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void remoteAccessUsesTheStrictRulesUnlessCodePassesOthers() {
        assertThat(McpServer.RemoteAccess.DEFAULT.addresses()).isEqualTo(RemoteAddressRules.STRICT);
        assertThat(new McpServer.RemoteAccess(null, "http://proxy:3128").addresses())
                .isEqualTo(RemoteAddressRules.STRICT);
        assertThat(new McpServer.RemoteAccess(null, null, null).addresses()).isEqualTo(RemoteAddressRules.STRICT);
    }

    @Test
    void relaxedRulesAnswerTheirNamesCarryingTheNameAndExemptOnlyTheirRanges() throws Exception {
        InetAddress[] answer = RELAXED.answer("loop.example.test");

        assertThat(answer).hasSize(1);
        assertThat(answer[0].getHostName()).isEqualTo("loop.example.test");
        assertThat(answer[0].getHostAddress()).isEqualTo("127.0.0.1");
        AddressGuard.check("loop.example.test", answer, RELAXED);
        assertThatThrownBy(() -> AddressGuard.check("loop.example.test",
                new InetAddress[] {InetAddress.ofLiteral("169.254.169.254")}, RELAXED))
                .isInstanceOf(AddressGuard.BlockedAddress.class);
    }

    @Test
    void aNameGuardedStrictlyStaysStrictWhenRelaxedRulesGuardItLater() {
        AddressGuard.guard("sticky.example.test", RemoteAddressRules.STRICT);
        AddressGuard.guard("sticky.example.test", RELAXED);

        assertThat(AddressGuard.rules("STICKY.example.test.")).isEqualTo(RemoteAddressRules.STRICT);
    }

    @Test
    void aNameGuardedWithRelaxedRulesBecomesStrictOnceProductionCodeGuardsIt() {
        AddressGuard.guard("later.example.test", RELAXED);
        assertThat(AddressGuard.rules("later.example.test")).isEqualTo(RELAXED);

        AddressGuard.guard("later.example.test", RemoteAddressRules.STRICT);

        assertThat(AddressGuard.rules("later.example.test")).isEqualTo(RemoteAddressRules.STRICT);
        assertThat(AddressGuard.rules("unguarded.example.test")).isNull();
    }
}
