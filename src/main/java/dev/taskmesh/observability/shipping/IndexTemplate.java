package dev.taskmesh.observability.shipping;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The composable index template for the daily log indices {@code <prefix>-YYYY.MM.DD}: correlation
 * and ECS keyword fields are exact-match keywords (a Kibana query {@code trace.id : "..."} hits
 * them), the message and stack trace are full text. Works on Elasticsearch 7.8+ and OpenSearch.
 */
final class IndexTemplate {

  private IndexTemplate() {}

  static String json(String prefix) {
    JsonObject text = new JsonObject().put("type", "text");
    JsonObject properties = new JsonObject()
        .put("@timestamp", new JsonObject().put("type", "date"))
        .put("message", text)
        .put("error", new JsonObject().put("properties", new JsonObject()
            .put("stack_trace", text)
            .put("message", text)));
    JsonArray dynamicTemplates = new JsonArray().add(new JsonObject().put("strings_as_keywords", new JsonObject()
        .put("match_mapping_type", "string")
        .put("mapping", new JsonObject().put("type", "keyword").put("ignore_above", 1024))));
    return new JsonObject()
        .put("index_patterns", new JsonArray().add(prefix + "-*"))
        .put("priority", 200)
        .put("template", new JsonObject()
            .put("settings", new JsonObject().put("index.refresh_interval", "1s"))
            .put("mappings", new JsonObject()
                .put("dynamic_templates", dynamicTemplates)
                .put("properties", properties)))
        .put("_meta", new JsonObject().put("managed_by", "taskmesh"))
        .encode();
  }
}
