package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.Optional;

/**
 * Whether the embedded store takes new documents into a collection now. The process that holds
 * the store holds its indexes and pages in its heap, and when no gateway shares that process (an
 * infra-only process) no launch guard sees it fill: this is where such a process says no.
 */
@FunctionalInterface
public interface InsertAdmission {

  /**
   * The code of a refusal, MongoDB's {@code ExceededMemoryLimit}: clients recognise it
   * ({@code MongoErrors.shortOfMemory}) and answer 503 with the reason.
   */
  int REFUSED_CODE = 146;

  /** Empty to take the insert, else why not (said to the client as it is). */
  Optional<String> refusal(String collection);

  /** Takes every insert. */
  static InsertAdmission always() {
    return collection -> Optional.empty();
  }

  /** Throws the refusal of an {@code insert} command this admission refuses; other commands pass. */
  static void check(InsertAdmission admission, String command, Document query) {
    if ("insert".equalsIgnoreCase(command) && query.get("insert") instanceof String collection) {
      admission.refusal(collection).ifPresent(reason -> {
        throw new MongoServerError(REFUSED_CODE, "ExceededMemoryLimit", reason);
      });
    }
  }
}
