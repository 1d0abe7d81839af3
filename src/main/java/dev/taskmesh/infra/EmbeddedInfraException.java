package dev.taskmesh.infra;

/**
 * Embedded infrastructure (Kafka broker, development store) could not be started or used.
 * The message is a single line naming the path, host or port at fault; the launcher prints it and exits non-zero.
 */
public final class EmbeddedInfraException extends RuntimeException {

  public EmbeddedInfraException(String message) {
    super(message);
  }

  public EmbeddedInfraException(String message, Throwable cause) {
    super(message, cause);
  }
}
