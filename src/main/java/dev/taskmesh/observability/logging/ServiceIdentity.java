package dev.taskmesh.observability.logging;

import java.net.InetAddress;
import java.util.List;
import java.util.UUID;

/**
 * Who writes the log lines: service name, this process's instance id, its roles and host. Known
 * before the configuration is read (name, instance, host); the roles are set once the launcher
 * parsed them, so the first lines of a start may carry none.
 */
public final class ServiceIdentity {

  public static final String SERVICE_NAME = "taskmesh";

  private static final String INSTANCE_ID = initialInstanceId();
  private static final String HOST_NAME = initialHostName();
  private static volatile List<String> roles = List.of();

  private ServiceIdentity() {}

  public static String instanceId() {
    return INSTANCE_ID;
  }

  public static String hostName() {
    return HOST_NAME;
  }

  public static List<String> roles() {
    return roles;
  }

  public static void roles(List<String> value) {
    roles = List.copyOf(value);
  }

  private static String initialInstanceId() {
    String configured = System.getenv("SERVICE_INSTANCE_ID");
    return configured != null && !configured.isBlank() ? configured.trim() : UUID.randomUUID().toString();
  }

  private static String initialHostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
