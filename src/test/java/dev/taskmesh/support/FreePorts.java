package dev.taskmesh.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for processes a test starts, which bind them seconds later. A port from {@code new
 * ServerSocket(0)} comes from the kernel's ephemeral range, the same range every outgoing
 * connection (Kafka clients, cluster members) takes its local port from: in the gap before the
 * process binds, one of those connections can take it ("HTTP port … is in use", seen in CI). So the
 * ports here come from below that range, where only an explicit bind lands, and none is handed
 * out twice by one test JVM.
 */
public final class FreePorts {

  private static final int LOWEST = 10_000;
  static final String EPHEMERAL_RANGE = "/proc/sys/net/ipv4/ip_local_port_range";
  private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  private FreePorts() {
  }

  /** A port free now, below the ephemeral range, not handed out before by this JVM. */
  public static int next() {
    return inRange(LOWEST, ephemeralRangeStart() - 1);
  }

  /** A free port in {@code [low, high]}, for a server that only accepts ports there. */
  public static int inRange(int low, int high) {
    int span = high - low + 1;
    int start = ThreadLocalRandom.current().nextInt(span);
    for (int i = 0; i < span; i++) {
      int candidate = low + (start + i) % span;
      if (!handedOut.contains(candidate) && bindable(candidate) && handedOut.add(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("No free port in " + low + ".." + high);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress("0.0.0.0", port));
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }

  /** The first port of {@code net.ipv4.ip_local_port_range} (Linux), or the IANA start elsewhere. */
  static int ephemeralRangeStart() {
    try {
      String range;
      // Not Files.readString: /proc reports a size that is not the content's, and it returned "3" here.
      try (BufferedReader reader = Files.newBufferedReader(Path.of(EPHEMERAL_RANGE))) {
        range = String.valueOf(reader.readLine()).trim();
      }
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > LOWEST + 1_000 ? start : 49_152;
    } catch (IOException | RuntimeException notLinux) {
      return 49_152;
    }
  }
}
