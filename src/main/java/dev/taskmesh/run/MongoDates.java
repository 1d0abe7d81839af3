package dev.taskmesh.run;

import dev.taskmesh.infra.IsoInstants;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Dates as BSON dates ({@code {"$date": "..."}} in vertx-mongo-client's JSON), so range queries and indexes work. */
public final class MongoDates {

  private MongoDates() {}

  public static JsonObject toDocument(Instant instant) {
    return instant == null ? null : new JsonObject().put("$date", IsoInstants.format(instant));
  }

  public static Instant fromDocument(Object value) {
    if (value instanceof JsonObject date && date.containsKey("$date")) {
      Object raw = date.getValue("$date");
      return raw instanceof Number millis ? Instant.ofEpochMilli(millis.longValue()) : IsoInstants.parse(String.valueOf(raw));
    }
    return value instanceof String text ? IsoInstants.parse(text) : null;
  }
}
