package dev.taskmesh.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void portsComeFromBelowTheEphemeralRangeAndAreNeverRepeated() throws Exception {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = FreePorts.next();
      assertThat(port).isBetween(10_000, FreePorts.ephemeralRangeStart() - 1);
      assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
    }
    int port = FreePorts.next();
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("0.0.0.0", port));
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void theEphemeralRangeIsTheKernels() throws Exception {
    Path range = Path.of(FreePorts.EPHEMERAL_RANGE);
    Assumptions.assumeTrue(Files.exists(range), "not Linux");
    Process cat = new ProcessBuilder("cat", range.toString()).start();
    String text = new String(cat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    assertThat(FreePorts.ephemeralRangeStart()).isEqualTo(Integer.parseInt(text.split("\\s+")[0]));
  }

  @Test
  void aPortInUseIsNeverHandedOut() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int busy = taken.getLocalPort();
      assertThatThrownBy(() -> FreePorts.inRange(busy, busy)).isInstanceOf(AssertionError.class)
          .hasMessageContaining("No free port");
    }
  }
}
