package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shapes of update this system writes on every run ({@code $set}, {@code $unset} and
 * {@code $push} of top-level fields, guarded by equalities and number comparisons of top-level
 * fields), applied without mongo-java-server's general machinery. That machinery deep-copies the
 * document twice, splits every field path with a regular expression, and compares the documents
 * deeply after normalising every value: for a run with a history of transitions, most of the store's
 * work per status write. Anything else answers "not supported" (null) and takes the general path, so
 * the results are the general path's results (StoreBackendsTest compares both).
 */
final class SimpleUpdate {

  private static final Set<String> OPERATORS = Set.of("$set", "$unset", "$push");
  private static final Set<String> COMPARISONS = Set.of("$lt", "$lte", "$gt", "$gte");

  /** A document after an update, and whether the update changed it in MongoDB's sense (nModified). */
  record Applied(Document document, boolean modified) {}

  private SimpleUpdate() {}

  /** Whether {@code update} has only shapes {@link #apply} handles. */
  static boolean supports(Document update) {
    if (update.isEmpty()) {
      return false;
    }
    Set<String> touched = new java.util.HashSet<>();
    for (Map.Entry<String, Object> operator : update.entrySet()) {
      if (!OPERATORS.contains(operator.getKey()) || !(operator.getValue() instanceof Document fields) || fields.isEmpty()) {
        return false;
      }
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        if (!plainField(field.getKey()) || !touched.add(field.getKey())) {
          return false; // nested paths, operators, _id, or one field under two operators (a conflict in MongoDB)
        }
        if (operator.getKey().equals("$push") && field.getValue() instanceof Document value && value.keySet().stream().anyMatch(k -> k.startsWith("$"))) {
          return false; // $each, $position, $slice, $sort
        }
      }
    }
    return true;
  }

  /**
   * Whether {@code document} matches {@code query}, or null when the query has a condition this class
   * does not decide (the caller asks the general matcher then).
   */
  static Boolean matches(Document document, Document query) {
    for (Map.Entry<String, Object> condition : query.entrySet()) {
      String field = condition.getKey();
      if (!plainField(field)) {
        return null;
      }
      Object actual = document.get(field);
      if (actual == null || actual instanceof Collection<?> || actual instanceof Map<?, ?>) {
        return null; // missing, null, arrays and sub-documents have rules of their own
      }
      Object expected = condition.getValue();
      Boolean holds;
      if (expected instanceof Document operator) {
        holds = operator.size() == 1 ? compare(actual, operator.keySet().iterator().next(), operator.values().iterator().next()) : null;
      } else if (expected instanceof String || expected instanceof Boolean) {
        holds = expected.equals(actual);
      } else if (expected instanceof Number number) {
        Integer order = order(actual, number);
        holds = order == null ? null : order == 0;
      } else {
        holds = null;
      }
      if (holds == null) {
        return null;
      }
      if (!holds) {
        return false;
      }
    }
    return true;
  }

  /** The document after {@code update} (a new document; the stored one is not touched), or null if the general path must decide. */
  static Applied apply(Document stored, Document update) {
    Document updated = new Document(stored);
    boolean modified = false;
    for (Map.Entry<String, Object> operator : update.entrySet()) {
      Document fields = (Document) operator.getValue();
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        String name = field.getKey();
        switch (operator.getKey()) {
          case "$set" -> {
            Object before = stored.get(name);
            modified |= !stored.containsKey(name) || !sameValue(before, field.getValue());
            updated.put(name, field.getValue());
          }
          case "$unset" -> {
            modified |= stored.containsKey(name);
            updated.remove(name);
          }
          case "$push" -> {
            Object before = stored.get(name);
            if (before != null && !(before instanceof List<?>)) {
              return null; // an error in MongoDB: let the general path raise it
            }
            List<?> earlier = before == null ? List.of() : (List<?>) before;
            // One array, sized for the push (addAll would copy the earlier values twice).
            List<Object> values = new ArrayList<>(earlier.size() + 1);
            for (Object value : earlier) {
              values.add(value);
            }
            values.add(field.getValue());
            updated.put(name, values);
            modified = true;
          }
          default -> {
            return null;
          }
        }
      }
    }
    return new Applied(updated, modified);
  }

  /**
   * Whether a {@code $set} leaves a value as it was: numbers by value (5 and 5L are the same, as
   * mongo-java-server counts them), anything else by equality. (A sub-document whose numbers change
   * type only counts as modified here, where the general path would not count it.)
   */
  private static boolean sameValue(Object before, Object after) {
    if (before instanceof Number a && after instanceof Number b) {
      Integer order = order(a, b);
      return order != null ? order == 0 : a.equals(b);
    }
    return java.util.Objects.equals(before, after);
  }

  private static boolean plainField(String name) {
    return !name.isEmpty() && !name.startsWith("$") && name.indexOf('.') < 0 && !name.equals("_id");
  }

  private static Boolean compare(Object actual, String operator, Object operand) {
    if (!COMPARISONS.contains(operator) || !(operand instanceof Number number)) {
      return null;
    }
    Integer order = order(actual, number);
    if (order == null) {
      return null;
    }
    return switch (operator) {
      case "$lt" -> order < 0;
      case "$lte" -> order <= 0;
      case "$gt" -> order > 0;
      default -> order >= 0;
    };
  }

  /** How a stored number orders against another, or null for values compared by other rules. */
  private static Integer order(Object actual, Number expected) {
    if (!(actual instanceof Number stored)) {
      return null;
    }
    if (integral(stored) && integral(expected)) {
      return Long.compare(stored.longValue(), expected.longValue());
    }
    if (!(stored instanceof Double || integral(stored)) || !(expected instanceof Double || integral(expected))
        || Double.isNaN(stored.doubleValue()) || Double.isNaN(expected.doubleValue())) {
      return null;
    }
    double a = stored.doubleValue();
    double b = expected.doubleValue();
    return a < b ? -1 : a > b ? 1 : 0; // -0.0 equals 0.0, as in MongoDB
  }

  private static boolean integral(Number number) {
    return number instanceof Integer || number instanceof Long;
  }
}
