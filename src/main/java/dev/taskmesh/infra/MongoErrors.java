package dev.taskmesh.infra;

/** Recognises store errors that callers turn into answers rather than failures. */
public final class MongoErrors {

  private MongoErrors() {}

  /** A unique index refused the write (MongoDB and the embedded store both say E11000). */
  public static boolean duplicateKey(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && (message.contains("E11000") || message.contains("duplicate key"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
