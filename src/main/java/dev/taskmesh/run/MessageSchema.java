package dev.taskmesh.run;

import io.vertx.core.json.JsonObject;

/** Checks shared by every versioned message. */
public final class MessageSchema {

  private MessageSchema() {}

  /** A message that can never be processed, whatever the retries: it belongs in dead letters. */
  public static final class InvalidMessageException extends RuntimeException {
    public InvalidMessageException(String message) {
      super(message);
    }
  }

  static void requireVersion(JsonObject json, int expected) {
    Object version = json.getValue("v");
    if (!(version instanceof Number number) || number.intValue() != expected) {
      throw new InvalidMessageException("unsupported schema version '" + version + "', expected " + expected);
    }
  }

  static String requireText(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new InvalidMessageException("missing field '" + field + "'");
    }
    return text;
  }

  static int requirePositive(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof Number number) || number.intValue() < 1) {
      throw new InvalidMessageException("field '" + field + "' must be a positive integer");
    }
    return number.intValue();
  }
}
