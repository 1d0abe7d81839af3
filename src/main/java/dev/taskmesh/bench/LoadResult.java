package dev.taskmesh.bench;

import io.vertx.core.json.JsonObject;

/** One load phase: successful responses, failures, elapsed time, latency distribution. */
public record LoadResult(String name, long ok, long errors, double seconds, Latency latency) {

  public double perSecond() {
    return seconds <= 0 ? 0 : ok / seconds;
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("ok", ok).put("errors", errors).put("seconds", seconds)
        .put("perSecond", perSecond()).put("latency", latency.toJson());
  }
}
