package io.perstack.core.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Recognises IP address literals the way network stacks do, never through DNS. IPv4 includes the classic
 * {@code inet_aton} forms (decimal {@code 2130706433}, octal {@code 0177.0.0.1}, hex {@code 0x7f.1}, 1–3 part short
 * forms) because URL parsers and resolvers accept them and an attacker uses whichever form a check forgets (SR-27).
 */
public final class IpLiterals {
    private IpLiterals() {}

    /** The 32-bit value of a classic IPv4 literal, or empty when {@code text} is not one. */
    public static OptionalLong parseIpv4(String text) {
        if (text == null || text.isEmpty() || text.endsWith(".")) {
            return OptionalLong.empty();
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return OptionalLong.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            OptionalLong v = parsePart(parts[i]);
            if (v.isEmpty()) {
                return OptionalLong.empty();
            }
            values[i] = v.getAsLong();
        }
        long result = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 255) {
                return OptionalLong.empty();
            }
            result = (result << 8) | values[i];
        }
        // The last part fills every byte the earlier parts left, so "127.1" is 127.0.0.1.
        int remainingBytes = 4 - (values.length - 1);
        long last = values[values.length - 1];
        if (last >= (1L << (8 * remainingBytes))) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((result << (8 * remainingBytes)) | last);
    }

    private static OptionalLong parsePart(String part) {
        if (part.isEmpty()) {
            return OptionalLong.empty();
        }
        int radix = 10;
        String digits = part;
        if (part.length() >= 2 && part.charAt(0) == '0' && (part.charAt(1) == 'x' || part.charAt(1) == 'X')) {
            radix = 16;
            digits = part.substring(2);
            // inet_aton and the WHATWG URL parser both read a bare "0x" as zero.
            if (digits.isEmpty()) {
                return OptionalLong.of(0);
            }
        } else if (part.length() >= 2 && part.charAt(0) == '0') {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.length() > 12) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < digits.length(); i++) {
            if (asciiDigit(digits.charAt(i), radix) < 0) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(digits, radix));
    }

    /** ASCII only: Character.digit would also accept other scripts' digits, which no resolver reads as numbers. */
    private static int asciiDigit(char c, int radix) {
        int d = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : -1;
        return d < radix ? d : -1;
    }

    /**
     * The address a host literal denotes: a classic IPv4 form, or an IPv6 literal with or without brackets. Empty
     * for names, which only a resolver can map to addresses.
     */
    public static Optional<InetAddress> parse(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.indexOf(':') >= 0) {
            try {
                // ofLiteral never consults a resolver, unlike getByName.
                return Optional.of(InetAddress.ofLiteral(h));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        OptionalLong v4 = parseIpv4(h);
        if (v4.isEmpty()) {
            return Optional.empty();
        }
        long v = v4.getAsLong();
        byte[] bytes = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always a valid address", e);
        }
    }

    /** True when the last dot-separated label is all ASCII digits: resolvers would treat the name as an address. */
    public static boolean lastLabelIsNumeric(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String last = h.substring(h.lastIndexOf('.') + 1);
        if (last.isEmpty()) {
            return false;
        }
        for (int i = 0; i < last.length(); i++) {
            char c = last.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * True for destinations in the blocked ranges of docs/isolation.md §5.3: unspecified, private, CGNAT, loopback,
     * link-local, multicast, reserved and broadcast IPv4; IPv6 unspecified, loopback, link-local, site-local, unique
     * local and multicast; and IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64, 6to4).
     */
    public static boolean isBlocked(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isBlockedIpv4(b[0] & 0xff, b[1] & 0xff);
        }
        if (!(address instanceof Inet6Address)) {
            return true;
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (b0 == 0xff) {
            return true; // ff00::/8 multicast
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return true; // fe80::/10 link-local
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return true; // fec0::/10 site-local
        }
        if ((b0 & 0xfe) == 0xfc) {
            return true; // fc00::/7 unique local
        }
        if (allZero(b, 0, 10)) {
            boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean compatible = b[10] == 0 && b[11] == 0;
            if (mapped || compatible) {
                // Covers ::/128 and ::1 too: they embed 0.0.0.0 and 0.0.0.1, both in 0.0.0.0/8.
                return isBlockedIpv4(b[12] & 0xff, b[13] & 0xff);
            }
        }
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
            return isBlockedIpv4(b[12] & 0xff, b[13] & 0xff); // NAT64 64:ff9b::/96
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return isBlockedIpv4(b[2] & 0xff, b[3] & 0xff); // 6to4 2002::/16 embeds bytes 2..5
        }
        return false;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Every blocked IPv4 range is decided by the first two octets. */
    private static boolean isBlockedIpv4(int a, int b) {
        return a == 0 || a == 10 || a == 127
                || (a == 100 && b >= 64 && b <= 127)
                || (a == 169 && b == 254)
                || (a == 172 && b >= 16 && b <= 31)
                || (a == 192 && b == 168)
                || a >= 224;
    }

    /** True for {@code 127.0.0.0/8}, {@code ::1} and the IPv4-mapped loopback range. */
    public static boolean isLoopback(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[0] & 0xff) == 127;
        }
        if (allZero(b, 0, 15) && b[15] == 1) {
            return true;
        }
        return allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff && (b[12] & 0xff) == 127;
    }
}
