package io.perstack.llm.bedrock;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads the AWS binary event stream ({@code application/vnd.amazon.eventstream}): each message is a prelude (total
 * length, headers length, CRC32 of both), typed headers, a payload and a CRC32 of everything before it. Both CRCs
 * are checked, so a truncated or corrupted frame fails instead of being half-parsed.
 */
final class EventStreamReader {
    /** AWS caps a message at 16 MiB; anything larger is corruption, not data. */
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;

    /** One decoded message; header values are strings (other header types are rendered as text). */
    record Message(Map<String, String> headers, byte[] payload) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final DataInputStream in;

    EventStreamReader(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /** The next message, or {@code null} at a clean end of stream. */
    Message next() throws IOException {
        byte[] prelude = new byte[12];
        int first = in.read();
        if (first < 0) {
            return null;
        }
        prelude[0] = (byte) first;
        in.readFully(prelude, 1, 11);
        ByteBuffer p = ByteBuffer.wrap(prelude);
        int total = p.getInt();
        int headersLength = p.getInt();
        int preludeCrc = p.getInt();
        if (crc(prelude, 0, 8) != preludeCrc) {
            throw new IOException("Event stream prelude checksum mismatch");
        }
        if (total < 16 || total > MAX_MESSAGE || headersLength < 0 || headersLength > total - 16) {
            throw new IOException("Event stream message length invalid: " + total);
        }
        byte[] message = new byte[total];
        System.arraycopy(prelude, 0, message, 0, 12);
        try {
            in.readFully(message, 12, total - 12);
        } catch (EOFException e) {
            throw new IOException("Event stream ended inside a message", e);
        }
        int messageCrc = ByteBuffer.wrap(message, total - 4, 4).getInt();
        if (crc(message, 0, total - 4) != messageCrc) {
            throw new IOException("Event stream message checksum mismatch");
        }
        Map<String, String> headers = headers(ByteBuffer.wrap(message, 12, headersLength));
        byte[] payload = new byte[total - 16 - headersLength];
        System.arraycopy(message, 12 + headersLength, payload, 0, payload.length);
        return new Message(headers, payload);
    }

    private static Map<String, String> headers(ByteBuffer b) {
        Map<String, String> out = new HashMap<>();
        while (b.hasRemaining()) {
            byte[] name = new byte[b.get() & 0xff];
            b.get(name);
            int type = b.get();
            String value = switch (type) {
                case 0 -> "true";
                case 1 -> "false";
                case 2 -> String.valueOf(b.get());
                case 3 -> String.valueOf(b.getShort());
                case 4 -> String.valueOf(b.getInt());
                case 5, 8 -> String.valueOf(b.getLong());
                case 6, 7 -> {
                    byte[] v = new byte[b.getShort() & 0xffff];
                    b.get(v);
                    yield new String(v, StandardCharsets.UTF_8);
                }
                case 9 -> {
                    b.position(b.position() + 16);
                    yield "uuid";
                }
                default -> throw new IllegalStateException("Unknown event stream header type " + type);
            };
            out.put(new String(name, StandardCharsets.UTF_8), value);
        }
        return out;
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
