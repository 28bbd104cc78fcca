package io.perstack.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Classic IPv4 forms that resolvers accept (SR-27) and IPv6 literals, parsed without DNS. */
class IpLiteralsTest {
    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, 2130706433",
            "2130706433, 2130706433",
            "0177.0.0.1, 2130706433",
            "0x7f.1, 2130706433",
            "0x7F000001, 2130706433",
            "127.1, 2130706433",
            "127.0.1, 2130706433",
            "10.1, 167772161",
            "0, 0",
            "0x, 0",
            "255.255.255.255, 4294967295",
            "1.16777215, 33554431"})
    void classicIpv4FormsAreParsed(String text, long value) {
        assertThat(IpLiterals.parseIpv4(text)).hasValue(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1.16777216", "4294967296", "08.0.0.1",
            "0x1g", "1..2", "1.2.3.", "example.com", "١٢٧.0.0.1", "-1.0.0.0", " 1.2.3.4"})
    void nonAddressesAreNotParsedAsIpv4(String text) {
        assertThat(IpLiterals.parseIpv4(text)).isEmpty();
    }

    @Test
    void hostLiteralsBecomeAddressesWithoutAnyLookup() throws Exception {
        assertThat(IpLiterals.parse("0x7f.1")).contains(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        assertThat(IpLiterals.parse("[::1]")).contains(InetAddress.ofLiteral("::1"));
        assertThat(IpLiterals.parse("fe80::1")).contains(InetAddress.ofLiteral("fe80::1"));
        assertThat(IpLiterals.parse("example.com")).isEmpty();
        assertThat(IpLiterals.parse("[not-v6]")).isEmpty();
        assertThat(IpLiterals.parse("1:2")).isEmpty();
    }

    @Test
    void aNumericLastLabelIsDetected() {
        assertThat(IpLiterals.lastLabelIsNumeric("example.123")).isTrue();
        assertThat(IpLiterals.lastLabelIsNumeric("1.2.3.999.")).isTrue();
        assertThat(IpLiterals.lastLabelIsNumeric("example.com")).isFalse();
        assertThat(IpLiterals.lastLabelIsNumeric("example.1a")).isFalse();
    }
}
