package dev.taskmesh.infra;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.bulk.BulkWriteError;
import dev.taskmesh.infra.store.InsertAdmission;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  /**
   * The store could not be reached or did not answer: no server within the selection timeout, a
   * connection refused, closed or silent past {@code mongo.socketTimeoutMs}, a pool cleared after
   * such an error, a replica set between primaries. Passing conditions, unlike a refused or
   * malformed request: the same request can succeed a moment later.
   */
  public static boolean storeUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MongoTimeoutException || t instanceof MongoSocketException || t instanceof MongoConnectionPoolClearedException
          || t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The embedded store refused new runs because its process is short of memory
   * ({@code InsertAdmission.REFUSED_CODE}): its reason, to be told to the client as it is.
   */
  public static Optional<String> shortOfMemory(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MongoCommandException command && command.getErrorCode() == InsertAdmission.REFUSED_CODE) {
        return Optional.of(command.getErrorMessage());
      }
      if (t instanceof MongoBulkWriteException bulk) {
        for (BulkWriteError error : bulk.getWriteErrors()) {
          if (error.getCode() == InsertAdmission.REFUSED_CODE) {
            return Optional.of(error.getMessage());
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The items of a bulk write the store refused, by index, each with its own error; empty when the
   * failure is not a per-item refusal (the whole write failed, or its fate is unknown).
   */
  public static Optional<Map<Integer, Throwable>> bulkWriteErrors(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MongoBulkWriteException bulk && bulk.getWriteConcernError() == null) {
        Map<Integer, Throwable> refused = new HashMap<>();
        for (BulkWriteError error : bulk.getWriteErrors()) {
          refused.put(error.getIndex(), new IllegalStateException("E" + error.getCode() + " " + error.getMessage()));
        }
        return Optional.of(refused);
      }
    }
    return Optional.empty();
  }

  /** One outcome per item of a bulk write of {@code size} items, failed where the store refused it. */
  public static <T> List<AsyncResult<T>> perItem(int size, Map<Integer, Throwable> refused) {
    List<AsyncResult<T>> outcomes = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Throwable error = refused.get(i);
      outcomes.add(error == null ? Future.succeededFuture() : Future.failedFuture(error));
    }
    return outcomes;
  }
}
