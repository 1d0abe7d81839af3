package dev.taskmesh.bridge;

/** A send refused because the publisher already waits on the broker for as much as it may (see {@link PublishBacklog}). */
public final class BacklogFullException extends RuntimeException {

  BacklogFullException(String publisher, int records, long chars) {
    super("not sent: publisher " + publisher + " already waits on the broker for " + records + " records (" + chars
        + " characters); the broker may be unreachable. The record is sent again later.", null, false, false);
  }
}
