package dev.taskmesh.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a process runs. The same jar takes any combination. */
public enum Role {
  /** REST gateway, outbox relay, live status streams. */
  API,
  /** Consumes runs from Kafka and executes task handlers. */
  WORKER,
  /** Writes run events and results to the store. */
  UPDATER,
  /** Only the embedded broker and store, for other processes on the same machine to share. */
  INFRA;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String text) {
    return Arrays.stream(values()).filter(r -> r.label().equals(text.trim().toLowerCase(Locale.ROOT))).findFirst();
  }

  public static String allLabels() {
    return Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", "));
  }
}
