package io.perstack.sandbox.egress;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a process of its own by {@link EgressProxyLimitsTest}, standing in for a sandboxed {@code exec} that floods
 * its proxy socket: opens the given number of raw connections (never sending a byte), prints {@code connected N},
 * and holds them until its stdin closes. Its own descriptors are not the runtime's, so the test can count the
 * runtime's alone.
 */
public final class FloodClient {
    private FloodClient() {
    }

    public static void main(String[] args) throws IOException {
        UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        List<SocketChannel> open = new ArrayList<>(count);
        int failed = 0;
        for (int i = 0; i < count; i++) {
            try {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                open.add(channel);
                channel.connect(socket);
            } catch (IOException e) {
                failed++;
            }
        }
        System.out.println("connected " + (count - failed));
        System.out.flush();
        while (System.in.read() >= 0) {
            // held until the test closes our stdin
        }
        for (SocketChannel channel : open) {
            channel.close();
        }
    }
}
